package dev.acp.batch;

import java.util.Map;

/**
 * A row checked against the pipeline's inputs, ready to run: the unit a batch hands out, to a
 * thread here and, later, to a worker of a distributed engine (everything a row needs travels in
 * this record and the batch's settings; nothing depends on the rows around it).
 *
 * @param number the row's position among the rows, from 1
 * @param line the line of the inputs file it starts on
 * @param id the row's name: its {@code id} column, else its number; also the name of its output folder
 * @param inputs the values it sets, as {@code --set} would (file paths made absolute)
 */
public record BatchRow(long number, long line, String id, Map<String, String> inputs) {
    public BatchRow {
        inputs = Map.copyOf(inputs);
    }
}
