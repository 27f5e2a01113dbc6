package dev.tandem.store;

class InMemoryStorePersistenceTest extends DocumentPersistenceContract {
    private final InMemoryDocumentStore store = new InMemoryDocumentStore();

    @Override
    DocumentStore openStore() {
        return store;
    }
}
