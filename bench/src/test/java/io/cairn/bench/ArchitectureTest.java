package io.cairn.bench;

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
 * The bench module's structure: only the JMH micro-benchmarks reach into the store's internals (they
 * measure its hot paths), nodes run as processes and the client is used through its public API, no
 * package cycles, and the coding rules of CONVENTIONS.md for the harness.
 * JMH's generated classes are left out: they are JMH's code, not ours.
 */
@AnalyzeClasses(packages = "io.cairn.bench", importOptions = ArchitectureTest.HandWrittenMainClasses.class)
class ArchitectureTest {

  /** Main classes we wrote: no test classes (whatever the build folder is called), no JMH-generated ones. */
  static final class HandWrittenMainClasses implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("/test-classes/") && !location.contains("/jmh_generated/");
    }
  }

  @ArchTest
  static final ArchRule onlyJmhBenchmarksUseStoreInternals = noClasses()
      .that().resideOutsideOfPackage("io.cairn.bench.jmh..")
      .should().dependOnClassesThat().resideInAPackage("io.cairn.eventstore.internal..");

  @ArchTest
  static final ArchRule nodesAreRunAsProcessesNotInProcess = noClasses()
      .should().dependOnClassesThat().resideInAPackage("io.cairn.node..")
      .because("the network benchmarks measure a node in its own process, as deployed");

  @ArchTest
  static final ArchRule theClientIsUsedThroughItsPublicApi = noClasses()
      .should().dependOnClassesThat().resideInAPackage("io.cairn.client.internal..");

  @ArchTest
  static final ArchRule harnessDoesNotDependOnTheCommandLine = noClasses()
      .that().resideInAPackage("io.cairn.bench")
      .should().dependOnClassesThat().resideInAPackage("io.cairn.bench.cli..");

  @ArchTest
  static final ArchRule packagesHaveNoCycles = slices().matching("io.cairn.bench.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule noStandardStreams = NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS;

  @ArchTest
  static final ArchRule noGenericExceptions = NO_CLASSES_SHOULD_THROW_GENERIC_EXCEPTIONS;

  @ArchTest
  static final ArchRule noJavaUtilLogging = NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING;
}
