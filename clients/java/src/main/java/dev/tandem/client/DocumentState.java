package dev.tandem.client;

import jakarta.json.JsonValue;
import java.util.List;

/** A document's heads (sorted hex change hashes) and, when asked for, its JSON view. */
public record DocumentState(String doc, List<String> heads, JsonValue view) {
}
