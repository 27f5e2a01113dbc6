package dev.tandem.hub;

import dev.tandem.protocol.Frames;

/** Where a subscription starts, and whether it continued from the requested position without a reset. */
public record SubscribeOutcome(Frames.Position position, boolean recovered) {
}
