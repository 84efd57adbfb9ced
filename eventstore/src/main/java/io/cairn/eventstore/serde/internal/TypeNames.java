package io.cairn.eventstore.serde.internal;

import io.cairn.eventstore.EventData;
import io.cairn.eventstore.InvalidInputException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The two-way mapping between an event family's classes and their stable type names, shared by the
 * codecs. Built once, then immutable and thread-safe. Names follow the store's rule for
 * type in the {@code cairn.e} header (1 to {@value EventData#MAX_TYPE_BYTES} UTF-8 bytes); each name and each class
 * appears once; a sealed family must map every concrete class it permits, so that encoding can
 * never meet an unmapped class.
 *
 * @param <E> the event family
 */
public final class TypeNames<E> {

  private final Map<String, Class<? extends E>> classByName;
  private final Map<Class<?>, String> nameByClass;

  private TypeNames(Map<String, Class<? extends E>> classByName) {
    this.classByName = Collections.unmodifiableMap(new LinkedHashMap<>(classByName));
    Map<Class<?>, String> byClass = new LinkedHashMap<>();
    classByName.forEach((name, type) -> byClass.put(type, name));
    this.nameByClass = Collections.unmodifiableMap(byClass);
  }

  /**
   * Checks and freezes {@code classByName} for {@code family}.
   *
   * @throws InvalidInputException naming the bad type name or class
   */
  public static <E> TypeNames<E> of(Class<E> family, Map<String, Class<? extends E>> classByName) {
    if (classByName.isEmpty()) {
      throw new InvalidInputException("types", "[]", "a codec needs at least one event type");
    }
    Map<Class<?>, String> seen = new LinkedHashMap<>();
    classByName.forEach((name, type) -> {
      ensureValidName(name);
      if (!family.isAssignableFrom(type)) {
        throw new InvalidInputException("types." + name, type.getName(), "must implement " + family.getName());
      }
      if (type.isInterface() || java.lang.reflect.Modifier.isAbstract(type.getModifiers())) {
        throw new InvalidInputException("types." + name, type.getName(), "must be a concrete class (a record)");
      }
      String previous = seen.put(type, name);
      if (previous != null) {
        throw new InvalidInputException("types." + name, type.getName(),
            "is already mapped to type name \"" + previous + "\"; a class has one type name");
      }
    });
    ensureSealedFamilyCovered(family, seen.keySet());
    return new TypeNames<>(classByName);
  }

  /**
   * The mapping of a family whose types share one class (Avro generic records, told apart by schema):
   * names are checked, classes are not; {@link #nameOf} is not used for such a family.
   */
  public static <E> TypeNames<E> ofGeneric(Class<E> family, Map<String, Class<? extends E>> classByName) {
    if (classByName.isEmpty()) {
      throw new InvalidInputException("types", "[]", "a codec needs at least one event type");
    }
    classByName.keySet().forEach(TypeNames::ensureValidName);
    return new TypeNames<>(classByName);
  }

  /** Checks one type name against the store's event type rule. */
  public static void ensureValidName(String name) {
    if (name == null || name.isEmpty()) {
      throw new InvalidInputException("type", name, "must not be empty");
    }
    int bytes = name.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > EventData.MAX_TYPE_BYTES) {
      throw new InvalidInputException("type", name, "must be at most " + EventData.MAX_TYPE_BYTES
          + " UTF-8 bytes (is " + bytes + ")");
    }
  }

  /** The class stored under {@code name}, if any. */
  public Optional<Class<? extends E>> classOf(String name) {
    return Optional.ofNullable(classByName.get(name));
  }

  /**
   * The type name of {@code event}'s class.
   *
   * @throws InvalidInputException naming the class if it has no type name here
   */
  public String nameOf(Object event) {
    String name = nameByClass.get(event.getClass());
    if (name == null) {
      throw new InvalidInputException("event", event.getClass().getName(),
          "is not one of this codec's event classes " + nameByClass.keySet().stream().map(Class::getName).toList());
    }
    return name;
  }

  /** Every type name, in the order they were given. */
  public Set<String> names() {
    return classByName.keySet();
  }

  private static void ensureSealedFamilyCovered(Class<?> family, Set<Class<?>> mapped) {
    Deque<Class<?>> pending = new ArrayDeque<>();
    pending.add(family);
    while (!pending.isEmpty()) {
      Class<?> type = pending.pop();
      if (type.isSealed()) {
        for (Class<?> permitted : type.getPermittedSubclasses()) {
          pending.add(permitted);
        }
      } else if (!type.isInterface() && !java.lang.reflect.Modifier.isAbstract(type.getModifiers())
          && !mapped.contains(type) && type != family) {
        throw new InvalidInputException("types", type.getName(), "is permitted by the sealed family "
            + family.getName() + " but has no type name; every event class needs one");
      }
    }
  }
}
