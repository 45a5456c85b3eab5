package dev.acp.providers.runware.internal;

import org.jspecify.annotations.Nullable;

/**
 * One Runware error object (providers.md 4.3): {@code {code, message, parameter, taskType,
 * taskUUID, documentation}}.
 */
public record ApiError(
        @Nullable String code,
        @Nullable String message,
        @Nullable String parameter,
        @Nullable String taskType,
        @Nullable String taskUUID) {}
