-- Automerge documents: incremental change blobs appended per document, compacted into a snapshot.
-- Portable SQL: runs on H2 2.x and PostgreSQL (BYTEA is an H2 alias of BINARY VARYING).

CREATE TABLE doc_snapshot (
    doc_id     VARCHAR(200) NOT NULL PRIMARY KEY,
    data       BYTEA        NOT NULL,
    heads      VARCHAR(20000) NOT NULL,
    upto_seq   BIGINT       NOT NULL,
    updated_at TIMESTAMP    NOT NULL
);

CREATE TABLE doc_change (
    doc_id     VARCHAR(200) NOT NULL,
    seq        BIGINT       NOT NULL,
    data       BYTEA        NOT NULL,
    created_at TIMESTAMP    NOT NULL,
    PRIMARY KEY (doc_id, seq)
);
