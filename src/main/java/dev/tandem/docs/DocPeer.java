package dev.tandem.docs;

/**
 * One subscriber of a document, implemented by the core once per connection and document.
 * {@link #deliver} is called on the document's owner thread: it must not block (enqueue the frame
 * in the connection's outbox and return).
 */
public interface DocPeer {
    /** Unique per document (e.g. the connection id). */
    String peerId();

    /** true: receives a {@link DocOutput.View} then {@link DocOutput.Patch}es; false: Automerge sync. */
    boolean jsonMode();

    void deliver(DocOutput out);
}
