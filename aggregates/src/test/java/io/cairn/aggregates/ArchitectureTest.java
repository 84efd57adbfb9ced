package io.cairn.aggregates;

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
 * The aggregates module's structure (ARCHITECTURE.md §2, CONVENTIONS.md): it sees the log only through
 * eventstore's public API, never client, node or any {@code internal} package of another module; API vs
 * internal; no cycles; coding rules.
 */
@AnalyzeClasses(packages = "io.cairn.aggregates", importOptions = ArchitectureTest.MainClassesOnly.class)
class ArchitectureTest {

  /** Excludes test classes whatever the build folder is called ({@code -Dcairn.target=...}). */
  static final class MainClassesOnly implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("/test-classes/");
    }
  }

  @ArchTest
  static final ArchRule onlyEventstoresPublicApi = noClasses()
      .should().dependOnClassesThat().resideInAnyPackage("io.cairn.eventstore.internal..",
          "io.cairn.eventstore.serde.internal..", "io.cairn.eventstore.spi..", "io.cairn.client..", "io.cairn.node..",
          "io.cairn.cli..", "io.cairn.bench..");

  @ArchTest
  static final ArchRule packagesHaveNoCycles = slices().matching("io.cairn.aggregates.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule apiDoesNotDependOnInternalExceptTheEntryPoint = noClasses()
      .that().resideInAPackage("io.cairn.aggregates")
      .and().doNotHaveSimpleName("CommandGateways")
      .should().dependOnClassesThat().resideInAPackage("io.cairn.aggregates.internal..");

  @ArchTest
  static final ArchRule theTestFixtureUsesTheApiOnly = noClasses()
      .that().resideInAPackage("io.cairn.aggregates.testing..")
      .should().dependOnClassesThat().resideInAnyPackage("io.cairn.aggregates.internal..", "io.vertx..", "org.junit..");

  /** What domain code implements and returns stays free of frameworks (ARCHITECTURE.md §2). */
  @ArchTest
  static final ArchRule theDomainContractIsFrameworkFree = noClasses()
      .that().haveSimpleName("Decider").or().haveSimpleName("Decision").or().haveSimpleName("Rejection")
      .or().haveSimpleName("CommandValidationException")
      .should().dependOnClassesThat().resideInAnyPackage("io.vertx..", "com.fasterxml.jackson..", "org.apache.avro..");

  @ArchTest
  static final ArchRule clusterAndDatabaseLibrariesStayOut = noClasses()
      .should().dependOnClassesThat().resideInAnyPackage("com.hazelcast..", "io.vertx.pgclient..", "io.vertx.sqlclient..",
          "org.apache.avro..");

  @ArchTest
  static final ArchRule noStandardStreams = NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;

  @ArchTest
  static final ArchRule noJavaUtilLogging = NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;

  @ArchTest
  static final ArchRule noGenericExceptions = NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS;
}
