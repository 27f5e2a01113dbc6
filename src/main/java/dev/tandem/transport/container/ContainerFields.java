package dev.tandem.transport.container;

import java.lang.reflect.Field;
import java.util.List;

/**
 * Reads container objects' private fields for the transports' container workarounds (WebSocket:
 * {@code UpgradeRelease}, {@code GrizzlyUpgradeRelease}, {@code IoThreads}, {@code SendBuffers}; SSE:
 * {@code SseSendBuffers}): every lookup
 * may fail, and then answers null rather than throwing.
 */
public final class ContainerFields {
    private ContainerFields() {
    }

    /** The field {@code name} of {@code type} or a superclass, made accessible; null when missing or closed. */
    public static Field field(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field field = c.getDeclaredField(name);
                field.setAccessible(true);
                return field;
            } catch (NoSuchFieldException e) {
                // look in the superclass
            } catch (RuntimeException inaccessible) {
                return null;
            }
        }
        return null;
    }

    /** Where {@link #follow} ended: the object reached, or (target null) the step that was missing. */
    public record Reached(Object target, String missing) {
    }

    /**
     * Follows {@code path} (field names; a name ending in {@code ?} is followed only where the field holds
     * something, else skipped) from {@code start}. A missing field or a null value stops the walk, and the
     * answer names that step.
     */
    public static Reached follow(Object start, List<String> path) throws IllegalAccessException {
        Object target = start;
        for (String step : path) {
            boolean optional = step.endsWith("?");
            String name = optional ? step.substring(0, step.length() - 1) : step;
            Object next = get(target, name);
            if (next == null && optional) {
                continue;
            }
            if (next == null) {
                return new Reached(null, "no " + name + " in " + target.getClass().getName());
            }
            target = next;
        }
        return new Reached(target, null);
    }

    /** The value of {@code target}'s field {@code name}; null when the field is missing or closed. */
    public static Object get(Object target, String name) throws IllegalAccessException {
        Field field = field(target.getClass(), name);
        return field == null ? null : field.get(target);
    }
}
