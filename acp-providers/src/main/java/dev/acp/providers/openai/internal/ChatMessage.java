package dev.acp.providers.openai.internal;

import java.util.List;

/**
 * One message of a chat request. Plain text is sent as a string, which every server accepts;
 * only messages with an image use the list-of-parts form.
 */
public sealed interface ChatMessage permits ChatMessage.Text, ChatMessage.Parts {

    /** {@code system}, {@code user} or {@code assistant}. */
    String role();

    /** A message whose content is one string. */
    record Text(String role, String content) implements ChatMessage {}

    /** A message of several parts (text and images), for vision input. */
    record Parts(String role, List<ContentPart> content) implements ChatMessage {
        public Parts {
            content = List.copyOf(content);
        }
    }

    static ChatMessage system(String content) {
        return new Text("system", content);
    }

    static ChatMessage user(String content) {
        return new Text("user", content);
    }

    /** An earlier answer of the model, sent back so it can see what it wrote. */
    static ChatMessage assistant(String content) {
        return new Text("assistant", content);
    }

    static ChatMessage user(List<ContentPart> parts) {
        return new Parts("user", parts);
    }
}
