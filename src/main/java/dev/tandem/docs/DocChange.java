package dev.tandem.docs;

import org.automerge.Transaction;

/**
 * A change run on a document's owner thread inside one transaction. Throwing (e.g. a
 * {@link DocException}) rolls the transaction back and fails the returned stage.
 */
@FunctionalInterface
public interface DocChange {
    void apply(Transaction tx);
}
