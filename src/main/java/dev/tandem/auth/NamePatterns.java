package dev.tandem.auth;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A token's allow-list for channel or tool names: {@code *} (everything), an exact name, or a prefix
 * ending in {@code *} ({@code thread-*}). Patterns are plain ASCII names, matched on the name only (never
 * on a room or a path), so no pattern reaches beyond the token's rooms. {@link #ANY} when a token has none.
 */
public record NamePatterns(List<String> patterns) {
    // Before ANY and NONE: static fields initialise in order and the constructor needs these.
    private static final Pattern VALID = Pattern.compile("\\*|[A-Za-z0-9_.-]{1,64}\\*?");
    private static final int MAX_PATTERNS = 100;
    public static final NamePatterns ANY = new NamePatterns(List.of("*"));
    public static final NamePatterns NONE = new NamePatterns(List.of());

    public NamePatterns {
        patterns = List.copyOf(patterns);
        if (patterns.size() > MAX_PATTERNS) {
            throw new IllegalArgumentException("at most " + MAX_PATTERNS + " patterns");
        }
        for (String pattern : patterns) {
            if (pattern == null || !VALID.matcher(pattern).matches()) {
                throw new IllegalArgumentException("a pattern is *, a name or a name prefix ending in *: " + pattern);
            }
        }
    }

    /** Null (claim absent) means {@code fallback}. */
    public static NamePatterns of(List<String> patterns, NamePatterns fallback) {
        return patterns == null ? fallback : new NamePatterns(patterns);
    }

    public boolean matches(String name) {
        if (name == null) {
            return false;
        }
        for (String pattern : patterns) {
            if (pattern.equals("*") || pattern.equals(name)
                    || (pattern.endsWith("*") && name.startsWith(pattern.substring(0, pattern.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    public boolean isAny() {
        return patterns.contains("*");
    }
}
