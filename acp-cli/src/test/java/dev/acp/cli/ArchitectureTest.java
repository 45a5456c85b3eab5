package dev.acp.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.domain.JavaType;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of the code, checked on the compiled classes of every module: the packages of
 * acp-core depend on each other without cycles; only the façade ({@code dev.acp.Acp}) and the
 * command line sit on top; providers and the offline engines use the provider SPI and never the
 * engine, the planner or the run path. The published library's API is the packages in {@link #API}:
 * their public types show a user no type of an internal package, and a provider's
 * {@code internal} wire types stay inside that provider.
 */
class ArchitectureTest {
    /**
     * The packages of the published modules a library user programs against (README, "Using ACP as
     * a library"): the façade, the run path, pipelines and plans, errors, the provider SPI with the
     * HTTP transport and settings a provider is given, prices, the cache modes, the meters
     * ({@code Acp.withMetrics}) and the health probes a service mounts. Internal, and free
     * to change in any release: {@code dev.acp.util}, every {@code internal} package, and the
     * implementation packages of acp-local and acp-providers (users reach those providers through
     * {@code ServiceLoader} only). Adding a package here is an API decision, not a way to make a
     * test pass.
     */
    static final Set<String> API = Set.of("dev.acp", "dev.acp.env", "dev.acp.error", "dev.acp.config",
            "dev.acp.pipeline", "dev.acp.pipeline.load", "dev.acp.template", "dev.acp.plan", "dev.acp.engine",
            "dev.acp.run", "dev.acp.report", "dev.acp.provider", "dev.acp.http", "dev.acp.catalog", "dev.acp.cost",
            "dev.acp.cache", "dev.acp.metrics", "dev.acp.health");

    /**
     * Internal types the API shows today, each with its reason; the list should only shrink (by
     * moving the type into an API package), never grow to make a test pass.
     */
    static final Map<String, String> EXPOSED_INTERNALS = Map.of(
            "dev.acp.util.Sleeper", "how the HTTP transport, the governors and the engine wait; injected so that"
                    + " tests never sleep, so a provider or test built on the SPI passes one",
            "dev.acp.util.RetryPolicy", "the retry schedule the HTTP transport and the engine are built with");

    private static JavaClasses classes;

    @BeforeAll
    static void load() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.acp");
    }

    @Test
    void the_packages_of_the_core_depend_on_each_other_without_cycles() {
        JavaClasses core = classes.that(JavaClass.Predicates.resideOutsideOfPackages("dev.acp.cli..", "dev.acp.server..",
                "dev.acp.providers..", "dev.acp.local..", "dev.acp.testkit..", "dev.acp.bench.."));
        slices().matching("dev.acp.(**)").should().beFreeOfCycles().check(core);
    }

    @Test
    void nothing_below_the_facade_depends_on_it() {
        noClasses().that().resideInAnyPackage("dev.acp.(*)..").and().resideOutsideOfPackages("dev.acp.cli..",
                "dev.acp.server..", "dev.acp.bench..", "dev.acp.testkit..").should().dependOnClassesThat().resideInAPackage("dev.acp")
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

    @Test
    void the_public_api_exposes_no_internal_type() {
        classes().that().resideInAnyPackage(API.toArray(String[]::new)).and().arePublic()
                .should(exposeOnlyApiTypes()).check(classes);
    }

    @Test
    void a_providers_internal_wire_types_stay_inside_that_provider() {
        classes().that().resideInAPackage("dev.acp..").should(new ArchCondition<JavaClass>("use no other package's internal types") {
            @Override
            public void check(JavaClass origin, ConditionEvents events) {
                for (Dependency d : origin.getDirectDependenciesFromSelf()) {
                    String target = d.getTargetClass().getPackageName();
                    // ACP's own internal packages; a library's (DevServer assembles Temporal's test
                    // server from its internals, said there) is that library's business.
                    int internal = target.startsWith("dev.acp.") ? target.indexOf(".internal") : -1;
                    String owner = internal < 0 ? "" : target.substring(0, internal);
                    String from = origin.getPackageName();
                    if (internal >= 0 && !from.equals(owner) && !from.startsWith(owner + ".")) {
                        events.add(SimpleConditionEvent.violated(origin, d.getDescription()));
                    }
                }
            }
        }).check(classes);
    }

    /** A type a user sees: its supertypes and the signatures of its public and protected members. */
    private static ArchCondition<JavaClass> exposeOnlyApiTypes() {
        return new ArchCondition<>("expose only API types (or types outside dev.acp) in public signatures") {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                List<String> exposed = new ArrayList<>();
                type.getRawSuperclass().ifPresent(s -> exposed.add(s.getName()));
                type.getRawInterfaces().forEach(i -> exposed.add(i.getName()));
                for (JavaCodeUnit member : type.getCodeUnits()) {
                    if (visible(member.getModifiers())) {
                        involved(member.getReturnType(), exposed);
                        member.getParameterTypes().forEach(p -> involved(p, exposed));
                    }
                }
                for (JavaField field : type.getFields()) {
                    if (visible(field.getModifiers())) {
                        involved(field.getType(), exposed);
                    }
                }
                for (String name : exposed) {
                    String pkg = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : "";
                    if (pkg.startsWith("dev.acp") && !API.contains(pkg) && !EXPOSED_INTERNALS.containsKey(name)) {
                        events.add(SimpleConditionEvent.violated(type, type.getName() + " exposes " + name));
                    }
                }
            }
        };
    }

    private static boolean visible(Set<JavaModifier> modifiers) {
        return modifiers.contains(JavaModifier.PUBLIC) || modifiers.contains(JavaModifier.PROTECTED);
    }

    private static void involved(JavaType type, List<String> into) {
        type.getAllInvolvedRawTypes().forEach(t -> into.add(t.getName()));
    }
}
