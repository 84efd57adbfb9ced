package io.cairn.eventstore.serde.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.eventstore.InvalidInputException;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Year;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The JSON schema of one event type: the top-level properties of the event object, each with one
 * JSON type and whether it is required. Nested objects and array items are not described (their
 * shape is the event class's business). Immutable.
 *
 * <p>Text form, a subset of JSON Schema, canonical when properties and {@code required} are sorted:
 * <pre>{"type":"object","properties":{"amount":{"type":"integer"}},"required":["amount"]}</pre>
 *
 * @param properties property name to its definition, sorted by name
 */
public record JsonSchema(SortedMap<String, Property> properties) {

  /** The JSON types a property may have. */
  public static final Set<String> TYPES = Set.of("string", "integer", "number", "boolean", "array", "object");

  private static final ObjectMapper TEXT = new ObjectMapper();

  /**
   * One property.
   *
   * @param type     one of {@link #TYPES}
   * @param required whether every event of the type has it (non-null)
   */
  public record Property(String type, boolean required) {

    /** {@code required integer} or {@code optional string}, for messages. */
    public String describe() {
      return (required ? "required " : "optional ") + type;
    }
  }

  public JsonSchema {
    properties = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(properties));
  }

  /**
   * The schema written as {@code text}.
   *
   * @throws InvalidInputException naming {@code schema} and the offending part
   */
  public static JsonSchema parse(String text) {
    JsonNode root;
    try {
      root = TEXT.readTree(text);
    } catch (JsonProcessingException e) {
      throw new InvalidInputException("schema", text, "is not JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException("schema", text, "must be a JSON object");
    }
    JsonNode type = root.get("type");
    if (type != null && !"object".equals(type.asText())) {
      throw new InvalidInputException("schema.type", type.toString(), "must be \"object\": an event is a JSON object");
    }
    JsonNode properties = root.path("properties");
    if (!properties.isMissingNode() && !properties.isObject()) {
      throw new InvalidInputException("schema.properties", properties.toString(), "must be an object");
    }
    Set<String> required = new java.util.HashSet<>();
    JsonNode requiredNode = root.path("required");
    if (!requiredNode.isMissingNode()) {
      if (!requiredNode.isArray()) {
        throw new InvalidInputException("schema.required", requiredNode.toString(), "must be an array of property names");
      }
      requiredNode.forEach(name -> required.add(name.asText()));
    }
    SortedMap<String, Property> parsed = new TreeMap<>();
    for (Map.Entry<String, JsonNode> entry : properties.properties()) {
      String propertyType = entry.getValue().path("type").asText();
      if (!TYPES.contains(propertyType)) {
        throw new InvalidInputException("schema.properties." + entry.getKey() + ".type", propertyType,
            "must be one of " + TYPES.stream().sorted().toList());
      }
      parsed.put(entry.getKey(), new Property(propertyType, required.contains(entry.getKey())));
    }
    for (String name : required) {
      if (!parsed.containsKey(name)) {
        throw new InvalidInputException("schema.required", name, "names no property");
      }
    }
    return new JsonSchema(parsed);
  }

  /**
   * The schema of a record class: one property per component, named by {@link JsonProperty#value()} if
   * given; required for primitives, for other references unless boxed, {@link Optional} or annotated
   * with an annotation named {@code Nullable}; {@code @JsonProperty(required = true)} makes any required.
   *
   * @throws InvalidInputException if {@code recordClass} is not a record
   */
  public static JsonSchema derive(Class<?> recordClass) {
    if (!recordClass.isRecord()) {
      throw new InvalidInputException("eventClass", recordClass.getName(),
          "is not a record: schemas are derived from records only; declare its schema with EventSchema.json");
    }
    SortedMap<String, Property> properties = new TreeMap<>();
    for (RecordComponent component : recordClass.getRecordComponents()) {
      List<AnnotatedElement> places = annotatedPlaces(recordClass, component);
      JsonProperty jsonProperty = find(places, JsonProperty.class);
      String name = jsonProperty != null && !jsonProperty.value().isEmpty() ? jsonProperty.value() : component.getName();
      boolean required = isRequired(component.getType(), places)
          || (jsonProperty != null && jsonProperty.required());
      properties.put(name, new Property(jsonType(component.getGenericType()), required));
    }
    return new JsonSchema(properties);
  }

  /** The canonical text form. */
  public String toText() {
    ObjectNode root = TEXT.createObjectNode();
    root.put("type", "object");
    ObjectNode props = root.putObject("properties");
    ArrayNode required = TEXT.createArrayNode();
    properties.forEach((name, property) -> {
      props.putObject(name).put("type", property.type());
      if (property.required()) {
        required.add(name);
      }
    });
    root.set("required", required);
    return root.toString();
  }

  private static boolean isRequired(Class<?> type, List<AnnotatedElement> places) {
    if (type.isPrimitive()) {
      return true;
    }
    if (isBoxed(type) || isOptional(type)) {
      return false;
    }
    for (AnnotatedElement place : places) {
      for (Annotation annotation : place.getAnnotations()) {
        if (annotation.annotationType().getSimpleName().equals("Nullable")) {
          return false;
        }
      }
    }
    return true;
  }

  private static String jsonType(Type genericType) {
    Class<?> raw = rawClass(genericType);
    if (raw == Optional.class && genericType instanceof ParameterizedType parameterized) {
      return jsonType(parameterized.getActualTypeArguments()[0]);
    }
    if (raw == boolean.class || raw == Boolean.class) {
      return "boolean";
    }
    if (raw == OptionalInt.class || raw == OptionalLong.class || raw == BigInteger.class || raw == Year.class
        || raw == byte.class || raw == short.class || raw == int.class || raw == long.class
        || raw == Byte.class || raw == Short.class || raw == Integer.class || raw == Long.class) {
      return "integer";
    }
    if (raw == OptionalDouble.class || raw == float.class || raw == double.class || Number.class.isAssignableFrom(raw)
        || raw == BigDecimal.class) {
      return "number";
    }
    if (raw == String.class || raw == char.class || raw == Character.class || CharSequence.class.isAssignableFrom(raw)
        || raw == UUID.class || raw.isEnum() || raw == byte[].class || raw == java.net.URI.class
        || raw == java.util.Currency.class || TemporalAccessor.class.isAssignableFrom(raw)
        || java.time.temporal.TemporalAmount.class.isAssignableFrom(raw) || raw == java.time.ZoneId.class
        || java.time.ZoneId.class.isAssignableFrom(raw)) {
      return "string";
    }
    if (raw.isArray() || Collection.class.isAssignableFrom(raw)) {
      return "array";
    }
    return "object";
  }

  private static Class<?> rawClass(Type type) {
    if (type instanceof Class<?> c) {
      return c;
    }
    if (type instanceof ParameterizedType parameterized) {
      return (Class<?>) parameterized.getRawType();
    }
    return Object.class;
  }

  private static boolean isBoxed(Class<?> type) {
    return type == Boolean.class || type == Character.class || type == Byte.class || type == Short.class
        || type == Integer.class || type == Long.class || type == Float.class || type == Double.class;
  }

  private static boolean isOptional(Class<?> type) {
    return type == Optional.class || type == OptionalInt.class || type == OptionalLong.class
        || type == OptionalDouble.class;
  }

  /** The component, its accessor and its field: where an annotation on a record component lands. */
  private static List<AnnotatedElement> annotatedPlaces(Class<?> recordClass, RecordComponent component) {
    List<AnnotatedElement> places = new ArrayList<>(3);
    places.add(component);
    places.add(component.getAccessor());
    try {
      Field field = recordClass.getDeclaredField(component.getName());
      places.add(field);
    } catch (NoSuchFieldException e) {
      // every record component has a field; nothing more to look at if a compiler thought otherwise
    }
    return places;
  }

  private static <A extends Annotation> A find(List<AnnotatedElement> places, Class<A> annotation) {
    return places.stream().map(place -> place.getAnnotation(annotation)).filter(Objects::nonNull).findFirst()
        .orElse(null);
  }
}
