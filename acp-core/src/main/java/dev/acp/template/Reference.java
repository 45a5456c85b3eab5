package dev.acp.template;

/** What a {@code {{...}}} expression refers to. */
public sealed interface Reference permits Reference.StepRef, Reference.InputRef, Reference.EnvRef {

    /** The expression as ACP writes it back in messages, for example {@code steps.a.output}. */
    String expression();

    /** A result of an earlier step: {@code steps.<id>.<field>}. */
    record StepRef(String stepId, StepField field) implements Reference {
        @Override
        public String expression() {
            return "steps." + stepId + "." + field.wireName();
        }
    }

    /** A declared pipeline input: {@code inputs.<name>}. */
    record InputRef(String name) implements Reference {
        @Override
        public String expression() {
            return "inputs." + name;
        }
    }

    /** An environment variable: {@code env.<NAME>}. */
    record EnvRef(String name) implements Reference {
        @Override
        public String expression() {
            return "env." + name;
        }
    }

    /** The parts of a step's result a template can use. */
    enum StepField {
        /** The absolute path of the step's output file. */
        OUTPUT("output"),
        /** The text result of a text step (prompt_generation, image_understanding, ...). */
        TEXT("text");

        private final String wireName;

        StepField(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static java.util.Optional<StepField> fromWireName(String s) {
            for (StepField f : values()) {
                if (f.wireName.equals(s)) {
                    return java.util.Optional.of(f);
                }
            }
            return java.util.Optional.empty();
        }
    }
}
