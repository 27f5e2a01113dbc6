package dev.tandem.transport.container;

import java.lang.reflect.Field;

/**
 * Reads container objects' private fields for the transports' container workarounds (WebSocket:
 * {@code UpgradeRelease}, {@code IoThreads}, {@code SendBuffers}; SSE: {@code SseSendBuffers}): every lookup
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

    /** The value of {@code target}'s field {@code name}; null when the field is missing or closed. */
    public static Object get(Object target, String name) throws IllegalAccessException {
        Field field = field(target.getClass(), name);
        return field == null ? null : field.get(target);
    }
}
