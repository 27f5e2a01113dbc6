package dev.tandem.transport.ws;

import java.lang.reflect.Field;

/**
 * Reads container objects' private fields for the WebSocket workarounds ({@link UpgradeRelease},
 * {@link SendBuffers}): every lookup may fail, and then answers null rather than throwing.
 */
final class ContainerFields {
    private ContainerFields() {
    }

    /** The field {@code name} of {@code type} or a superclass, made accessible; null when missing or closed. */
    static Field field(Class<?> type, String name) {
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
    static Object get(Object target, String name) throws IllegalAccessException {
        Field field = field(target.getClass(), name);
        return field == null ? null : field.get(target);
    }
}
