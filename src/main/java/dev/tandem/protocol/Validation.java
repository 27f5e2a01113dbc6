package dev.tandem.protocol;

final class Validation {
    private Validation() {
    }

    static void required(Object value, String field) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, field + " is required");
        }
    }
}
