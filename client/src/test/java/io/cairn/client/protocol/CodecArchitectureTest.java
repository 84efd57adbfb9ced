package io.cairn.client.protocol;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The codec is pure (package-info, docs/protocol.md): it depends on the store's public API and Vert.x buffers,
 * never on the client built on it, and does no I/O of its own.
 */
@AnalyzeClasses(packages = "io.cairn.client.protocol", importOptions = CodecArchitectureTest.MainClassesOnly.class)
class CodecArchitectureTest {

  /** Leaves out test classes in any build folder ({@code ImportOption.DoNotIncludeTests} knows only target/). */
  static final class MainClassesOnly implements ImportOption {
    @Override
    public boolean includes(Location location) {
      return !location.contains("/test-classes/");
    }
  }

  @ArchTest
  static final ArchRule independentOfTheClient = noClasses()
      .that().resideInAPackage("io.cairn.client.protocol")
      .should().dependOnClassesThat().resideInAnyPackage("io.cairn.client", "io.cairn.client.internal..");

  @ArchTest
  static final ArchRule onlyThePublicStoreApi = noClasses()
      .that().resideInAPackage("io.cairn.client.protocol")
      .should().dependOnClassesThat().resideInAPackage("io.cairn.eventstore.internal..");

  @ArchTest
  static final ArchRule noIo = noClasses()
      .that().resideInAPackage("io.cairn.client.protocol")
      .should().dependOnClassesThat().resideInAnyPackage("java.io..", "java.net..", "java.nio.channels..",
          "java.nio.file..", "io.vertx.core.net..", "io.vertx.core.http..", "org.slf4j..");
}
