package dev.acp.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The JSON and YAML mappers commands print and read with, made on first use: picocli creates
 * every command when the command line is built, so a mapper held by a command would be built
 * (hundreds of classes) even for {@code acp --version}.
 */
final class CliJson {
    private CliJson() {}

    /** Indented JSON, for {@code --format json}. */
    static ObjectMapper pretty() {
        return Pretty.MAPPER;
    }

    /** JSON on one line, for JSON-lines logs. */
    static ObjectMapper compact() {
        return Compact.MAPPER;
    }

    /** Reads YAML (and so JSON) files. */
    static ObjectMapper yaml() {
        return Yaml.MAPPER;
    }

    private static final class Pretty {
        static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    }

    private static final class Compact {
        static final ObjectMapper MAPPER = new ObjectMapper();
    }

    private static final class Yaml {
        static final ObjectMapper MAPPER = new ObjectMapper(new YAMLFactory());
    }
}
