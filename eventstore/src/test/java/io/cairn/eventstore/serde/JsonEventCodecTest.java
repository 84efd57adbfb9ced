package io.cairn.eventstore.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.eventstore.InvalidInputException;
import io.cairn.eventstore.serde.BankEvents.AccountClosed;
import io.cairn.eventstore.serde.BankEvents.AccountOpened;
import io.cairn.eventstore.serde.BankEvents.MoneyDeposited;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** {@link JsonEventCodec} without a registry: type names, round trips and the errors of bad input. */
class JsonEventCodecTest {

  static JsonEventCodec<BankEvents> bankCodec() {
    return JsonEventCodec.builder(BankEvents.class)
        .type("AccountOpened", AccountOpened.class)
        .type("MoneyDeposited", MoneyDeposited.class)
        .type("AccountClosed", AccountClosed.class)
        .build();
  }

  private final JsonEventCodec<BankEvents> codec = bankCodec();

  @Property(tries = 200)
  void encodeThenDecodeIsIdentity(@ForAll String accountId, @ForAll String owner, @ForAll long balanceCents,
                                  @ForAll @LongRange(min = -30_000_000_000L, max = 30_000_000_000L) long epochSecond,
                                  @ForAll Optional<String> nickname) {
    AccountOpened event = new AccountOpened(accountId, owner, balanceCents, Instant.ofEpochSecond(epochSecond, 7),
        nickname);
    assertThat(codec.decode(codec.encode(event))).isEqualTo(event);
  }

  @Nested
  class RoundTrip {

    @Test
    void everyTypeOfTheSealedFamilyReadsBackEqual() {
      // given
      List<BankEvents> events = List.of(
          new AccountOpened("acc-1", "Ada", 1_000, Instant.parse("2026-11-21T10:15:30.123456Z"), Optional.of("main")),
          new AccountOpened("acc-2", "Bob", 0, Instant.EPOCH, Optional.empty()),
          new MoneyDeposited("acc-1", new BigDecimal("12.50"), List.of("salary", "november")),
          new AccountClosed("acc-1", null));

      for (BankEvents event : events) {
        // when
        SerializedEvent serialized = codec.encode(event);

        // then
        assertThat(codec.decode(serialized)).isEqualTo(event);
      }
    }

    @Test
    void encodeWritesTheStableTypeNameAndNoJavaClassName() {
      // when
      SerializedEvent serialized = codec.encode(new MoneyDeposited("acc-1", BigDecimal.ONE, List.of()));

      // then
      assertThat(serialized.type()).isEqualTo("MoneyDeposited");
      assertThat(serialized.contentType()).isEqualTo(ContentTypes.JSON);
      assertThat(serialized.schemaId()).isEqualTo(SerializedEvent.NO_SCHEMA);
      String json = new String(serialized.payload(), StandardCharsets.UTF_8);
      assertThat(json).doesNotContain("io.cairn").doesNotContain("BankEvents")
          .isEqualTo("{\"accountId\":\"acc-1\",\"amount\":1,\"tags\":[]}");
    }

    @Test
    void instantsAreWrittenAsIsoText() {
      // when
      String json = new String(codec.encode(new AccountOpened("a", "o", 1, Instant.parse("2026-01-02T03:04:05Z"),
          Optional.empty())).payload(), StandardCharsets.UTF_8);

      // then
      assertThat(json).contains("\"openedAt\":\"2026-01-02T03:04:05Z\"");
    }

    @Test
    void unknownPropertiesAreIgnoredSoOldCodeReadsNewerEvents() {
      // given: a newer writer added "currency"
      byte[] payload = "{\"accountId\":\"acc-1\",\"reasonCode\":3,\"currency\":\"EUR\"}".getBytes(StandardCharsets.UTF_8);

      // when
      BankEvents event = codec.decode(new SerializedEvent("AccountClosed", payload, ContentTypes.JSON, 0));

      // then
      assertThat(event).isEqualTo(new AccountClosed("acc-1", 3));
    }
  }

  @Nested
  class Errors {

    @Test
    void decodeOfAnUnknownTypeNamesTheTypeAndSchemaId() {
      SerializedEvent unknown = new SerializedEvent("AccountFrozen", "{}".getBytes(StandardCharsets.UTF_8),
          ContentTypes.JSON, 42);

      assertThatThrownBy(() -> codec.decode(unknown)).isInstanceOf(SerializationException.class)
          .hasMessageContaining("AccountFrozen").hasMessageContaining("schema id 42");
    }

    @Test
    void decodeOfACorruptPayloadNamesTheTypeAndSchemaId() {
      SerializedEvent corrupt = new SerializedEvent("MoneyDeposited", "{\"accountId\":\"a\",".getBytes(
          StandardCharsets.UTF_8), ContentTypes.JSON, 0);

      assertThatThrownBy(() -> codec.decode(corrupt)).isInstanceOf(SerializationException.class)
          .hasMessageContaining("MoneyDeposited").hasMessageContaining("schema id 0");
    }

    @Test
    void decodeOfTrailingGarbageIsRefused() {
      SerializedEvent corrupt = new SerializedEvent("AccountClosed",
          "{\"accountId\":\"a\",\"reasonCode\":1} x".getBytes(StandardCharsets.UTF_8), ContentTypes.JSON, 0);

      assertThatThrownBy(() -> codec.decode(corrupt)).isInstanceOf(SerializationException.class)
          .hasMessageContaining("AccountClosed");
    }

    @Test
    void decodeOfAWrongJsonTypeIsRefused() {
      SerializedEvent wrong = new SerializedEvent("AccountOpened",
          "{\"accountId\":\"a\",\"owner\":\"o\",\"balanceCents\":\"lots\",\"openedAt\":\"2026-01-01T00:00:00Z\"}"
              .getBytes(StandardCharsets.UTF_8), ContentTypes.JSON, 0);

      assertThatThrownBy(() -> codec.decode(wrong)).isInstanceOf(SerializationException.class)
          .hasMessageContaining("AccountOpened").hasMessageContaining("balanceCents");
    }

    @Test
    void decodeOfAMissingPrimitiveIsRefusedRatherThanReadAsZero() {
      SerializedEvent missing = new SerializedEvent("AccountOpened",
          "{\"accountId\":\"a\",\"owner\":\"o\",\"openedAt\":\"2026-01-01T00:00:00Z\"}".getBytes(StandardCharsets.UTF_8),
          ContentTypes.JSON, 0);

      assertThatThrownBy(() -> codec.decode(missing)).isInstanceOf(SerializationException.class)
          .hasMessageContaining("AccountOpened");
    }

    @Test
    void decodeOfAnotherContentTypeIsRefused() {
      SerializedEvent avro = new SerializedEvent("AccountClosed", new byte[] {2, 4}, ContentTypes.AVRO, 5);

      assertThatThrownBy(() -> codec.decode(avro)).isInstanceOf(SerializationException.class)
          .hasMessageContaining("AccountClosed").hasMessageContaining("schema id 5")
          .hasMessageContaining(ContentTypes.AVRO);
    }

    @Test
    void encodeOfAClassWithoutTypeNameNamesTheClass() {
      // given: a codec over a family that is not sealed, so build() cannot see every class
      JsonEventCodec<Object> partial = JsonEventCodec.builder(Object.class).type("AccountClosed", AccountClosed.class)
          .build();

      // then
      assertThatThrownBy(() -> partial.encode(new MoneyDeposited("a", BigDecimal.ONE, List.of())))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining(MoneyDeposited.class.getName());
    }

    @Test
    void aSealedFamilyWithAnUnmappedClassIsRefusedAtBuild() {
      JsonEventCodec.Builder<BankEvents> builder = JsonEventCodec.builder(BankEvents.class)
          .type("AccountOpened", AccountOpened.class)
          .type("MoneyDeposited", MoneyDeposited.class);

      assertThatThrownBy(builder::build).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining(AccountClosed.class.getName()).hasMessageContaining("no type name");
    }

    @Test
    void aTypeNameIsGivenOnce() {
      JsonEventCodec.Builder<BankEvents> builder = JsonEventCodec.builder(BankEvents.class)
          .type("Opened", AccountOpened.class);

      assertThatThrownBy(() -> builder.type("Opened", MoneyDeposited.class)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("Opened");
    }

    @Test
    void aClassHasOneTypeName() {
      JsonEventCodec.Builder<BankEvents> builder = JsonEventCodec.builder(BankEvents.class)
          .type("AccountOpened", AccountOpened.class)
          .type("AccountOpenedV2", AccountOpened.class)
          .type("MoneyDeposited", MoneyDeposited.class)
          .type("AccountClosed", AccountClosed.class);

      assertThatThrownBy(builder::build).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("AccountOpened").hasMessageContaining("one type name");
    }

    @Test
    void anEmptyOrOverlongTypeNameIsRefused() {
      JsonEventCodec.Builder<BankEvents> builder = JsonEventCodec.builder(BankEvents.class);

      assertThatThrownBy(() -> builder.type("", AccountOpened.class)).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("type");
      assertThatThrownBy(() -> builder.type("x".repeat(256), AccountOpened.class))
          .isInstanceOf(InvalidInputException.class).hasMessageContaining("255");
    }

    @Test
    void upcastersWithoutARegistryAreRefused() {
      JsonEventCodec.Builder<BankEvents> builder = JsonEventCodec.builder(BankEvents.class)
          .type("AccountOpened", AccountOpened.class)
          .type("MoneyDeposited", MoneyDeposited.class)
          .type("AccountClosed", AccountClosed.class)
          .upcaster("AccountClosed", 1, node -> node);

      assertThatThrownBy(builder::build).isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("registry");
    }
  }
}
