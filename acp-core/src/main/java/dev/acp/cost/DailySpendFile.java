package dev.acp.cost;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.acp.util.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Per-provider daily limits ({@code providers.<id>.daily_limit} in {@code ACP_HOME/config.yaml}),
 * with today's spend (UTC) and the reservations of running steps in
 * {@code ACP_HOME/spend/daily.json}, changed only under an exclusive file lock so that two ACP
 * processes share one limit. Reservations of processes that no longer exist are dropped when the
 * file is read: a crashed process does not hold the budget forever, and what it settled stays.
 */
public final class DailySpendFile implements DailySpend {
    private final Path file;
    private final Path lockFile;
    private final Map<String, BigDecimal> limits;
    private final Clock clock;
    private final ObjectMapper json = new ObjectMapper();
    private final ReentrantLock inProcess = new ReentrantLock();
    private final AtomicLong tokens = new AtomicLong();
    private final String owner;

    /**
     * @param limits daily limit per provider id; providers not listed have none
     */
    public DailySpendFile(Path acpHome, Map<String, BigDecimal> limits, Clock clock) {
        this.file = acpHome.resolve("spend").resolve("daily.json");
        this.lockFile = acpHome.resolve("spend").resolve("daily.lock");
        this.limits = Map.copyOf(limits);
        this.clock = clock;
        this.owner = Long.toString(ProcessHandle.current().pid());
    }

    @Override
    public boolean limits(String provider) {
        return limits.containsKey(provider);
    }

    /** What {@code provider} has settled today, over every process. */
    public BigDecimal spentToday(String provider) {
        return locked(state -> new BigDecimal(providerNode(state, provider).path("settled").asText("0")));
    }

    @Override
    public @Nullable String reserve(String provider, BigDecimal amount) {
        BigDecimal limit = limits.get(provider);
        if (limit == null) {
            return "";
        }
        return locked(state -> {
            ObjectNode p = providerNode(state, provider);
            if (used(p).add(amount).compareTo(limit) > 0) {
                return null;
            }
            String token = owner + ":" + tokens.incrementAndGet();
            ((ObjectNode) p.get("reservations")).put(token, amount.toPlainString());
            write(state);
            return token;
        });
    }

    @Override
    public @Nullable String refusal(String provider, BigDecimal amount) {
        BigDecimal limit = limits.get(provider);
        if (limit == null) {
            return null;
        }
        return locked(state -> {
            BigDecimal used = used(providerNode(state, provider));
            return used.add(amount).compareTo(limit) <= 0 ? null : "needs up to " + Money.format(amount) + " but "
                    + provider + "'s daily limit of " + Money.format(limit) + " has " + Money.format(limit.subtract(used)
                    .max(BigDecimal.ZERO)) + " left today (ACP_HOME/config.yaml providers." + provider + ".daily_limit)";
        });
    }

    @Override
    public void settle(String provider, String token, BigDecimal actual) {
        if (!limits.containsKey(provider)) {
            return;
        }
        locked(state -> {
            ObjectNode p = providerNode(state, provider);
            ((ObjectNode) p.get("reservations")).remove(token);
            p.put("settled", new BigDecimal(p.path("settled").asText("0")).add(actual).toPlainString());
            write(state);
            return null;
        });
    }

    @Override
    public void release(String provider, String token) {
        if (!limits.containsKey(provider)) {
            return;
        }
        locked(state -> {
            ((ObjectNode) providerNode(state, provider).get("reservations")).remove(token);
            write(state);
            return null;
        });
    }

    private static BigDecimal used(ObjectNode p) {
        BigDecimal used = new BigDecimal(p.path("settled").asText("0"));
        for (var it = p.get("reservations").properties().iterator(); it.hasNext(); ) {
            used = used.add(new BigDecimal(it.next().getValue().asText("0")));
        }
        return used;
    }

    private ObjectNode providerNode(ObjectNode state, String provider) {
        ObjectNode providers = state.with("providers");
        ObjectNode p = providers.has(provider) ? (ObjectNode) providers.get(provider) : providers.putObject(provider);
        if (!p.has("reservations")) {
            p.putObject("reservations");
        }
        return p;
    }

    private interface Action<T> {
        T apply(ObjectNode state) throws IOException;
    }

    /** Runs {@code action} on today's state with the file locked against other threads and processes. */
    private <T> T locked(Action<T> action) {
        inProcess.lock();
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock ignored = ch.lock()) {
                return action.apply(read());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update the daily spend in " + file + ": " + e.getMessage(), e);
        } finally {
            inProcess.unlock();
        }
    }

    private ObjectNode read() throws IOException {
        String today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toString();
        ObjectNode state = null;
        if (Files.isRegularFile(file)) {
            try {
                state = (ObjectNode) json.readTree(file.toFile());
            } catch (IOException | ClassCastException e) {
                state = null; // A damaged file: today's spend restarts from what this process settles.
            }
        }
        if (state == null || !today.equals(state.path("date").asText())) {
            state = json.createObjectNode();
            state.put("date", today);
            state.putObject("providers");
        }
        // Reservations of processes that ended (crashed) no longer hold the budget.
        for (var providers = state.with("providers").properties().iterator(); providers.hasNext(); ) {
            var p = providers.next().getValue();
            if (p.get("reservations") instanceof ObjectNode res) {
                for (Iterator<String> it = res.fieldNames(); it.hasNext(); ) {
                    String token = it.next();
                    String pid = token.contains(":") ? token.substring(0, token.indexOf(':')) : token;
                    if (!pid.equals(owner) && !alive(pid)) {
                        it.remove();
                    }
                }
            }
        }
        return state;
    }

    private static boolean alive(String pid) {
        try {
            return ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private void write(ObjectNode state) throws IOException {
        Path tmp = file.resolveSibling("daily.json.tmp-" + owner);
        Files.writeString(tmp, json.writerWithDefaultPrettyPrinter().writeValueAsString(state));
        AtomicFiles.replace(tmp, file);
    }
}
