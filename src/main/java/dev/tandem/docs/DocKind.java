package dev.tandem.docs;

/** The kind of a document, derived from its name; each kind has an initial schema ({@link Schemas}). */
public enum DocKind {
    /** {@code <room>/canvas} or {@code <room>/canvas/<x>}: shapes, widgets, ui maps. */
    CANVAS,
    /** {@code <room>/thread/<x>}: title (text) and messages (list). */
    THREAD,
    /** Any other name: an empty root map. */
    GENERIC
}
