package dev.acp.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acp.cost.PriceEntry;
import dev.acp.cost.PublishedPrices;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.Governor;
import dev.acp.http.HttpCall;
import dev.acp.http.HttpResult;
import dev.acp.http.HttpTransport;
import dev.acp.providers.support.Json;
import java.math.BigDecimal;
import java.net.URI;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * OpenRouter's price list: {@code GET /models} (providers.md 3.4), whose {@code pricing.prompt}
 * and {@code pricing.completion} are decimal strings in US dollars per token, turned into
 * {@code tokens} entries priced per million tokens. The call is free and reads only, so the
 * transport may repeat it ({@link HttpCall.Retry#SAFE}); the key is sent when one is set (the
 * list does not need it) and is masked in every message.
 *
 * <p>Models without a usable price are skipped and counted, never guessed: a missing price, a
 * negative one (OpenRouter lists its routers, such as {@code openrouter/auto}, at {@code "-1"}:
 * their price is that of whatever model they pick) or one that is not a number. Per-request and
 * per-image surcharges ({@code request}, {@code image}) have no place in a {@code tokens} entry
 * and are left out.
 */
final class OpenRouterPrices implements PublishedPrices {
    /** The source named in every entry. */
    static final String SOURCE = "OpenRouter GET /models";
    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    private final ChatEndpoint endpoint;
    private final HttpTransport transport;
    private final Governor governor;

    OpenRouterPrices(ChatEndpoint endpoint, HttpTransport transport, Governor governor) {
        this.endpoint = endpoint;
        this.transport = transport;
        this.governor = governor;
    }

    @Override
    public String provider() {
        return endpoint.provider();
    }

    /** The whole list, whatever {@code modelIds} holds: one call prices every model, and any may be named. */
    @Override
    public PriceList fetch(LocalDate asOf, Set<String> modelIds) throws ProviderException, InterruptedException {
        String provider = endpoint.provider();
        // Without query parameters the answer is the whole list of text models: the ones ACP's chat steps use.
        URI uri = endpoint.uri("/models");
        HttpResult r = transport.execute(HttpCall.get(uri, endpoint.headers("application/json"), governor,
                new ChatErrors(provider, null, endpoint.free(), endpoint.keyVariable()), endpoint.secrets()));
        JsonNode data = Json.read(r, provider, ErrorKind.TRANSIENT).path("data");
        if (!data.isArray()) {
            throw new ProviderException(ErrorKind.TRANSIENT, endpoint.mask(provider + ": the answer of GET /models"
                    + " (HTTP " + r.status() + ") has no 'data' list of models: " + r.excerpt()));
        }
        Map<String, PriceEntry> entries = new LinkedHashMap<>();
        List<Skipped> skipped = new ArrayList<>();
        for (JsonNode model : data) {
            String id = Json.text(model, "id");
            if (id == null || id.isBlank()) {
                skipped.add(new Skipped("(no id)", "the entry has no model id"));
                continue;
            }
            JsonNode pricing = model.path("pricing");
            String why = problem(pricing, "prompt");
            if (why == null) {
                why = problem(pricing, "completion");
            }
            if (why != null) {
                skipped.add(new Skipped(id, why));
            } else if (entries.containsKey(id)) {
                skipped.add(new Skipped(id, "listed twice; the first price is kept"));
            } else {
                entries.put(id, PriceEntry.perToken(provider, id, perMillion(pricing.get("prompt")),
                        perMillion(pricing.get("completion")), null, SOURCE, asOf.toString()));
            }
        }
        if (entries.isEmpty()) {
            // An empty list would replace good prices with none: more likely a broken answer than a fact.
            throw new ProviderException(ErrorKind.TRANSIENT, provider + ": GET /models listed no model with a usable"
                    + " price (" + data.size() + " entries, " + skipped.size() + " skipped)");
        }
        return new PriceList(provider, asOf, List.copyOf(entries.values()), skipped);
    }

    /** Why {@code pricing.key} is not a usable price, or null when it is one. */
    private static @Nullable String problem(JsonNode pricing, String key) {
        JsonNode v = pricing.get(key);
        if (v == null || v.isNull()) {
            return "no " + key + " price";
        }
        BigDecimal amount = Json.decimal(v);
        if (amount == null) {
            return key + " price is not a number ('" + shorten(v.asText()) + "')";
        }
        if (amount.signum() < 0) {
            return key + " price is negative (" + amount.toPlainString() + "; a router priced by the model it picks)";
        }
        return null;
    }


    private static BigDecimal perMillion(JsonNode perToken) {
        return Json.decimal(perToken).multiply(MILLION).stripTrailingZeros();
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
