package dev.acp.health;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The answer of a health probe: up or down, and each check with its status and detail.
 * {@link #httpStatus()} and {@link #toJson()} are what {@code /health/live} and
 * {@code /health/ready} send.
 */
public record HealthReport(boolean up, Instant checkedAt, List<Check> checks) {
    /** The status of one check, as written in the JSON. */
    public enum Status {
        OK, WARNING, FAILED, REFUSED, NOT_CHECKED;

        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One check.
     *
     * @param required whether the report is down when this check fails (the state folder and the
     *     offline engines); a provider that cannot be reached leaves the server ready, since runs
     *     that do not use it still work
     * @param detail one line, never a secret
     * @param fix what to do about a problem, or null
     */
    public record Check(String name, Status status, boolean required, String detail, @Nullable String fix) {
        public Check {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(detail, "detail");
        }

        /** Whether this check lets the report be up. */
        public boolean passes() {
            return !required || status == Status.OK || status == Status.WARNING;
        }
    }

    public HealthReport {
        checks = List.copyOf(checks);
    }

    /** Up when every required check passes. */
    public static HealthReport of(Instant checkedAt, List<Check> checks) {
        return new HealthReport(checks.stream().allMatch(Check::passes), checkedAt, checks);
    }

    /** 200 when up, 503 when down (what load balancers and Docker's HEALTHCHECK read). */
    public int httpStatus() {
        return up ? 200 : 503;
    }

    /** {@code {"status":"up","checked_at":"...","checks":[{"name":...,"status":...,"required":...,"detail":...}]}} */
    public String toJson() {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("status", up ? "up" : "down");
        root.put("checked_at", checkedAt.toString());
        ArrayNode list = root.putArray("checks");
        for (Check c : checks) {
            ObjectNode n = list.addObject();
            n.put("name", c.name());
            n.put("status", c.status().wireName());
            n.put("required", c.required());
            n.put("detail", c.detail());
            if (c.fix() != null) {
                n.put("fix", c.fix());
            }
        }
        try {
            return json.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a health report always serialises", e);
        }
    }
}
