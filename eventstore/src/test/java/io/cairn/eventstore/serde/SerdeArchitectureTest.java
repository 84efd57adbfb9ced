package io.cairn.eventstore.serde;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The serde package uses the store through its public API only, so the registry and codecs work the same
 * over the local store and the network client.
 */
@AnalyzeClasses(packages = "io.cairn.eventstore.serde", importOptions = SerdeArchitectureTest.MainClassesOnly.class)
class SerdeArchitectureTest {

  /** Excludes test classes whatever the build folder is called ({@code -Dcairn.target=...}). */
  static final class MainClassesOnly implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("/test-classes/");
    }
  }

  @ArchTest
  static final ArchRule serdeUsesThePublicStoreApiOnly = noClasses()
      .that().resideInAPackage("io.cairn.eventstore.serde..")
      .should().dependOnClassesThat().resideInAPackage("io.cairn.eventstore.internal..");
}
