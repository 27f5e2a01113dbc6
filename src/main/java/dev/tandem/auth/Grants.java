package dev.tandem.auth;

/**
 * What a token allows inside its rooms beyond its role: channels to publish and subscribe to, tools to
 * provide (answer calls for) and to call. Absent claims allow everything the role allows.
 */
public record Grants(NamePatterns publish, NamePatterns subscribe, NamePatterns provideTools, NamePatterns callTools) {
    public static final Grants ALL = new Grants(NamePatterns.ANY, NamePatterns.ANY, NamePatterns.ANY, NamePatterns.ANY);
}
