package io.cairn.eventstore.serde.internal;

import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.serde.CompatibilityMode;
import io.cairn.eventstore.serde.EventSchema;
import io.cairn.eventstore.serde.RegisteredSchema;
import io.cairn.eventstore.serde.SchemaFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a candidate schema may become the next version of an event type under the type's
 * {@link CompatibilityMode}, with each format's rules ({@link JsonSchemaRules}, {@link AvroSchemaRules}).
 * Stateless.
 */
public final class SchemaCompatibilityChecker {

  private SchemaCompatibilityChecker() {
  }

  /**
   * Checks {@code candidate} as version {@code existing.size() + 1} of {@code type}.
   *
   * @param existing           the type's registered versions, oldest first
   * @param upcastFromVersions versions the candidate's reader upcasts from; the new-reads-old check against
   *                           a version v is left out when an upcaster starts at v or later
   * @throws InvalidInputException whose field is {@code <type>.<field>}, naming the mode, the versions and
   *     the rule, if the candidate breaks the mode
   */
  public static void ensureCompatible(String type, CompatibilityMode mode, EventSchema candidate,
                                      List<RegisteredSchema> existing, Set<Integer> upcastFromVersions) {
    if (mode == CompatibilityMode.NONE || existing.isEmpty()) {
      return;
    }
    int newVersion = existing.size() + 1;
    List<RegisteredSchema> targets = mode.transitive() ? existing : List.of(existing.get(existing.size() - 1));
    for (RegisteredSchema target : targets) {
      if (target.schema().format() != candidate.format()) {
        throw new InvalidInputException(type + ".format", candidate.format(), mode + ": v" + target.version()
            + " is " + target.schema().format() + "; a type keeps its format unless its compatibility mode is none");
      }
      boolean bridged = upcastFromVersions.stream().anyMatch(from -> from >= target.version());
      if (mode.newReadsOld() && !bridged) {
        firstIncompatibility(candidate, target.schema()).ifPresent(found -> {
          throw rejection(type, mode, found, "new v" + newVersion + " would not read events written with v"
              + target.version());
        });
      }
      if (mode.oldReadsNew()) {
        firstIncompatibility(target.schema(), candidate).ifPresent(found -> {
          throw rejection(type, mode, found, "v" + target.version() + " would not read events written with new v"
              + newVersion);
        });
      }
    }
  }

  private static Optional<Incompatibility> firstIncompatibility(EventSchema reader, EventSchema writer) {
    if (reader.format() == SchemaFormat.AVRO) {
      return AvroSchemaRules.firstIncompatibility(AvroSchemas.parse(reader.definition()),
          AvroSchemas.parse(writer.definition()));
    }
    return JsonSchemaRules.firstIncompatibility(JsonSchema.parse(reader.definition()),
        JsonSchema.parse(writer.definition()));
  }

  private static InvalidInputException rejection(String type, CompatibilityMode mode, Incompatibility found,
                                                 String direction) {
    return new InvalidInputException(type + "." + found.field(), found.value(),
        "incompatible under " + mode + ": " + direction + ": " + found.reason());
  }
}
