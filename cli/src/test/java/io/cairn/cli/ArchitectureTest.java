package io.cairn.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS;
import static com.tngtech.archunit.library.GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The cli module's rules (CONVENTIONS.md): it uses the event store, the node and the client only
 * through their public APIs, commands see an {@code EventStore} and never which one ({@link StoreTarget}
 * alone knows the network client), it writes through picocli's writers rather than the standard
 * streams, and throws typed exceptions.
 */
@AnalyzeClasses(packages = "io.cairn.cli", importOptions = ArchitectureTest.MainClassesOnly.class)
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
  static final ArchRule noInternalsOfTheNodeOrTheClient = noClasses()
      .should().dependOnClassesThat().resideInAnyPackage("io.cairn.node.internal..", "io.cairn.client.internal..");

  @ArchTest
  static final ArchRule onlyStoreTargetKnowsTheNetworkClient = noClasses()
      .that().haveNameNotMatching("io\\.cairn\\.cli\\.StoreTarget(\\$.*)?")
      .should().dependOnClassesThat().resideInAPackage("io.cairn.client..");

  @ArchTest
  static final ArchRule noKafkaClients = noClasses()
      .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..");

  @ArchTest
  static final ArchRule noStandardStreams = NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;

  @ArchTest
  static final ArchRule noJavaUtilLogging = NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;

  @ArchTest
  static final ArchRule noGenericExceptions = NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS;
}
