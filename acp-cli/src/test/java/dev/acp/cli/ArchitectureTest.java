package dev.acp.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of the code, checked on the compiled classes of every module: the packages of
 * acp-core depend on each other without cycles; only the façade ({@code dev.acp.Acp}) and the
 * command line sit on top; providers and the offline engines use the provider SPI and never the
 * engine, the planner or the run path.
 */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.acp");
    }

    @Test
    void the_packages_of_the_core_depend_on_each_other_without_cycles() {
        JavaClasses core = classes.that(JavaClass.Predicates.resideOutsideOfPackages("dev.acp.cli..",
                "dev.acp.providers..", "dev.acp.local..", "dev.acp.testkit..", "dev.acp.bench.."));
        slices().matching("dev.acp.(**)").should().beFreeOfCycles().check(core);
    }

    @Test
    void nothing_below_the_facade_depends_on_it() {
        noClasses().that().resideInAnyPackage("dev.acp.(*)..").and().resideOutsideOfPackages("dev.acp.cli..",
                "dev.acp.bench..", "dev.acp.testkit..").should().dependOnClassesThat().resideInAPackage("dev.acp")
                .check(classes);
    }

    @Test
    void providers_and_offline_engines_use_the_provider_spi_not_the_engine_or_planner() {
        noClasses().that().resideInAnyPackage("dev.acp.providers..", "dev.acp.local..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.acp.engine..", "dev.acp.plan..", "dev.acp.run..", "dev.acp.cli..")
                .check(classes);
    }

    @Test
    void the_provider_spi_knows_nothing_of_pricing_the_engine_or_runs() {
        noClasses().that().resideInAnyPackage("dev.acp.provider..", "dev.acp.http..").should().dependOnClassesThat()
                .resideInAnyPackage("dev.acp.cost..", "dev.acp.engine..", "dev.acp.plan..", "dev.acp.run..")
                .check(classes);
    }
}
