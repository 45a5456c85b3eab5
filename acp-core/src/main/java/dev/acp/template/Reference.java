package dev.acp.template;

import java.util.List;

/** What a {@code {{...}}} expression refers to. */
public sealed interface Reference permits Reference.StepRef, Reference.InputRef, Reference.EnvRef, Reference.ItemRef,
        Reference.IndexRef {

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

    /**
     * The current item of a {@code for_each} block: {@code item} (the whole item) or
     * {@code item.<field>.<field>} (a field of it), valid only inside the block.
     *
     * @param path the field names, empty for the whole item
     */
    record ItemRef(List<String> path) implements Reference {
        public ItemRef {
            path = List.copyOf(path);
        }

        @Override
        public String expression() {
            return path.isEmpty() ? "item" : "item." + String.join(".", path);
        }
    }

    /**
     * The current item's position in a {@code for_each} block: {@code index} counts from 1 (like
     * Jinja's loop.index), {@code index0} from 0.
     */
    record IndexRef(boolean zeroBased) implements Reference {
        @Override
        public String expression() {
            return zeroBased ? "index0" : "index";
        }
    }

    /** The parts of a step's result a template can use. */
    enum StepField {
        /** The absolute path of the step's output file. */
        OUTPUT("output"),
        /** The text result of a text step (prompt_generation, image_understanding, ...). */
        TEXT("text"),
        /** The list a text step's JSON result holds (an array, or an object's one array field). */
        ITEMS("items"),
        /** The output files of a step inside a for_each block, one per item, in item order. */
        OUTPUTS("outputs"),
        /** The text results of a text step inside a for_each block, one per item, in item order. */
        TEXTS("texts");

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
