package dev.acp.providers.runware.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.acp.providers.support.Json;
import java.math.BigDecimal;
import org.jspecify.annotations.Nullable;

/**
 * One item of {@code data[]} (providers.md 4.2, 4.4): one generated image or video of a task, or
 * during polling the state of one generation ({@code status} processing, success or error, with
 * {@code error} when it failed). Which payload field is set depends on the task and
 * {@code outputType}. A {@code cost} that is not a number reads as absent: the generation is kept
 * and priced from what it delivered.
 */
public record TaskItem(
        @Nullable String taskType,
        @Nullable String taskUUID,
        @Nullable String status,
        @Nullable String imageUUID,
        @Nullable String imageURL,
        @Nullable String imageBase64Data,
        @Nullable String imageDataURI,
        @Nullable String videoUUID,
        @Nullable String videoURL,
        @Nullable String mediaUUID,
        @Nullable String mediaURL,
        @JsonDeserialize(using = Json.LenientDecimal.class) @Nullable BigDecimal cost,
        @Nullable Long seed,
        @JsonProperty("NSFWContent") @Nullable Boolean nsfwContent,
        @Nullable ApiError error) {

    /** The id of the generated file, whichever kind it is; used to count each generation once. */
    public @Nullable String outputUUID() {
        return imageUUID != null ? imageUUID : videoUUID != null ? videoUUID : mediaUUID;
    }

    /** Where the file is: a URL, a data URI, or null when it came as bare base64 (see {@link #imageBase64Data}). */
    public @Nullable String location() {
        return imageURL != null ? imageURL : imageDataURI != null ? imageDataURI : videoURL != null ? videoURL
                : mediaURL;
    }

    public boolean hasOutput() {
        return location() != null || imageBase64Data != null;
    }
}
