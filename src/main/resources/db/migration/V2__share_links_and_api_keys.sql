-- Security: revocable share links per room, and named API keys stored as SHA-256 digests.
-- Portable SQL: runs on H2 2.x and PostgreSQL.

CREATE TABLE share_link (
    id         VARCHAR(64)  NOT NULL PRIMARY KEY,
    room       VARCHAR(64)  NOT NULL,
    role       VARCHAR(20)  NOT NULL,
    created_by VARCHAR(200) NOT NULL,
    created_at TIMESTAMP    NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX share_link_room ON share_link (room);

CREATE TABLE api_key (
    id         VARCHAR(64)  NOT NULL PRIMARY KEY,
    name       VARCHAR(200) NOT NULL,
    key_hash   VARCHAR(64)  NOT NULL UNIQUE,
    created_at TIMESTAMP    NOT NULL
);
