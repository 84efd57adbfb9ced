package io.cairn.client;

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
 * The client module's rules (ADR 0006 addendum, CONVENTIONS.md): the API package and the codec do not
 * reach into the implementation, the codec does no I/O, the client uses the event store only through its
 * public API, no package cycles, SLF4J only, typed exceptions, no CompletableFuture in main code.
 */
@AnalyzeClasses(packages = "io.cairn.client", importOptions = ArchitectureTest.MainClassesOnly.class)
class ArchitectureTest {

  /** Excludes test classes whatever the build folder is called ({@code -Dcairn.target=...}). */
  static final class MainClassesOnly implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("/test-classes/");
    }
  }

  @ArchTest
  static final ArchRule apiDoesNotDependOnInternalExceptTheEntryPoint = noClasses()
      .that().resideInAPackage("io.cairn.client")
      .and().doNotHaveSimpleName("CairnClient")
      .should().dependOnClassesThat().resideInAPackage("io.cairn.client.internal..");

  @ArchTest
  static final ArchRule codecIsPureAndStandsAlone = noClasses()
      .that().resideInAPackage("io.cairn.client.protocol..")
      .should().dependOnClassesThat().resideInAnyPackage("io.cairn.client.internal..", "io.vertx.core.net..")
      .orShould().dependOnClassesThat().haveSimpleName("CairnClient");

  @ArchTest
  static final ArchRule onlyThePublicEventStoreApi = noClasses()
      .should().dependOnClassesThat().resideInAPackage("io.cairn.eventstore.internal..");

  @ArchTest
  static final ArchRule noNodeNoClusterNoKafka = noClasses()
      .should().dependOnClassesThat().resideInAnyPackage("io.cairn.node..", "io.cairn.cli..", "io.cairn.bench..",
          "com.hazelcast..", "org.apache.kafka..");

  @ArchTest
  static final ArchRule noCompletableFutures = noClasses()
      .should().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.CompletableFuture");

  @ArchTest
  static final ArchRule internalPackagesHaveNoCycles =
      slices().matching("io.cairn.client.internal.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule producerAndConsumerDoNotKnowEachOther = noClasses()
      .that().resideInAPackage("io.cairn.client.internal.producer..")
      .should().dependOnClassesThat().resideInAPackage("io.cairn.client.internal.consumer..");

  @ArchTest
  static final ArchRule noStandardStreams = NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;

  @ArchTest
  static final ArchRule noJavaUtilLogging = NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;

  @ArchTest
  static final ArchRule noGenericExceptions = NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS;
}
