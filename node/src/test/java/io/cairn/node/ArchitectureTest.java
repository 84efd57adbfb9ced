package io.cairn.node;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The node module's rules (ADR 0006, CONVENTIONS.md): it uses the event store only through its
 * public API, has no Hazelcast (that is the cluster's) and no Kafka client, no package cycles, logs
 * through SLF4J only and throws typed exceptions.
 */
@AnalyzeClasses(packages = "io.cairn.node", importOptions = ArchitectureTest.MainClassesOnly.class)
class ArchitectureTest {

  /**
   * Leaves out test classes wherever the build puts them: {@link ImportOption.DoNotIncludeTests} knows
   * only {@code target/test-classes}, not a {@code -Dcairn.target=target-X} build's folder.
   */
  static final class MainClassesOnly implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("/test-classes/");
    }
  }

  @ArchTest
  static final ArchRule onlyThePublicEventStoreApi = noClasses()
      .should().dependOnClassesThat().resideInAPackage("io.cairn.eventstore.internal..");

  @ArchTest
  static final ArchRule noHazelcast = noClasses()
      .should().dependOnClassesThat().resideInAPackage("com.hazelcast..");

  @ArchTest
  static final ArchRule noKafkaClients = noClasses()
      .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..");

  @ArchTest
  static final ArchRule noUpperLayers = noClasses()
      .should().dependOnClassesThat().resideInAnyPackage("io.cairn.cli..", "io.cairn.bench..");

  /** The documents shared with the CLI depend on the store's API and Vert.x's JSON types only. */
  @ArchTest
  static final ArchRule sharedJsonNeedsOnlyTheApiAndVertxJson = classes()
      .that().resideInAPackage("io.cairn.node.json..")
      .should().onlyDependOnClassesThat().resideInAnyPackage("io.cairn.node.json..", "io.cairn.eventstore",
          "io.vertx.core.json..", "java..");

  /** The node takes only the protocol codec from the client module (ADR 0006), never the client itself. */
  @ArchTest
  static final ArchRule onlyTheProtocolCodecOfTheClient = noClasses()
      .that().resideInAnyPackage("io.cairn.node", "io.cairn.node.internal..", "io.cairn.node.json..")
      .should().dependOnClassesThat().resideInAnyPackage("io.cairn.client", "io.cairn.client.internal..");

  /** The binary-protocol server is independent of the HTTP layer. */
  @ArchTest
  static final ArchRule protocolServerWithoutHttp = noClasses()
      .that().resideInAPackage("io.cairn.node.internal.protocol..")
      .should().dependOnClassesThat().resideInAnyPackage("io.vertx.ext.web..", "io.vertx.core.http..",
          "io.cairn.node.json..");

  @ArchTest
  static final ArchRule noPackageCycles = slices().matching("io.cairn.node.(**)").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule noStandardStreams = NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;

  @ArchTest
  static final ArchRule noJavaUtilLogging = NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;

  @ArchTest
  static final ArchRule noGenericExceptions = NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS;
}
