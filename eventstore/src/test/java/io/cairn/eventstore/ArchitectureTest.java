package io.cairn.eventstore;

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

/** The eventstore module's structure: API vs internal, no cycles, coding rules (CONVENTIONS.md). */
@AnalyzeClasses(packages = "io.cairn.eventstore", importOptions = ArchitectureTest.MainClassesOnly.class)
class ArchitectureTest {

  /** Excludes test classes whatever the build folder is called ({@code -Dcairn.target=...}). */
  static final class MainClassesOnly implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("/test-classes/");
    }
  }

  @ArchTest
  static final ArchRule internalPackagesHaveNoCycles =
      slices().matching("io.cairn.eventstore.internal.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule apiDoesNotDependOnInternalExceptThroughEntryPoints = noClasses()
      .that().resideInAPackage("io.cairn.eventstore")
      .and().doNotHaveSimpleName("EventStores")
      .and().doNotHaveSimpleName("LogInspector")
      .and().doNotHaveSimpleName("EventBatches")
      .should().dependOnClassesThat().resideInAPackage("io.cairn.eventstore.internal..");

  @ArchTest
  static final ArchRule spiDoesNotDependOnInternal = noClasses()
      .that().resideInAPackage("io.cairn.eventstore.spi..")
      .should().dependOnClassesThat().resideInAPackage("io.cairn.eventstore.internal..");

  @ArchTest
  static final ArchRule kafkaClientsIsATestOracleOnly = noClasses()
      .should().dependOnClassesThat().resideInAPackage("org.apache.kafka..");

  @ArchTest
  static final ArchRule clusterAndDatabaseLibrariesStayOut = noClasses()
      .should().dependOnClassesThat().resideInAnyPackage("com.hazelcast..", "io.vertx.pgclient..", "io.vertx.sqlclient..");

  @ArchTest
  static final ArchRule noStandardStreams = NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;

  @ArchTest
  static final ArchRule noJavaUtilLogging = NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;

  @ArchTest
  static final ArchRule noGenericExceptions = NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS;
}
