package dev.tandem.protocol;

import java.util.regex.Pattern;

/**
 * A topic {@code <room>/<channel>}. Both parts are plain ASCII names, so no path tricks
 * ({@code ../}), wildcards or Unicode look-alikes can address another room.
 */
public record TopicName(String room, String channel) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    public TopicName {
        requireName(room, "room");
        requireName(channel, "channel");
    }

    public static TopicName parse(String topic) {
        if (topic == null) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "topic is required");
        }
        int slash = topic.indexOf('/');
        if (slash < 0 || topic.indexOf('/', slash + 1) >= 0) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST, "topic must be <room>/<channel>: " + quote(topic));
        }
        return new TopicName(topic.substring(0, slash), topic.substring(slash + 1));
    }

    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    static void requireName(String name, String what) {
        if (!isValidName(name)) {
            throw new ProtocolException(ErrorCode.BAD_REQUEST,
                    what + " must match [A-Za-z0-9_-]{1,64}: " + quote(name));
        }
    }

    private static String quote(String s) {
        if (s == null) {
            return "null";
        }
        String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return '"' + shown.replaceAll("\\p{Cntrl}", "?") + '"';
    }

    @Override
    public String toString() {
        return room + "/" + channel;
    }
}
