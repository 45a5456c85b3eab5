package dev.acp.providers.fal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.acp.cost.PriceEntry;
import dev.acp.cost.Tariff;
import dev.acp.cost.PublishedPrices;
import dev.acp.error.ErrorKind;
import dev.acp.error.ProviderException;
import dev.acp.http.ErrorMapper;
import dev.acp.http.Governor;
import dev.acp.http.HttpCall;
import dev.acp.http.HttpResult;
import dev.acp.http.HttpTransport;
import dev.acp.providers.support.Json;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * fal's published prices: {@code GET {platform}/v1/models/pricing?endpoint_id=a,b,...}
 * (prices.md, "fal pricing API"), which prices only the endpoints it is asked about, at most
 * {@value #BATCH} per call. The ids asked for are the ones {@code acp models --refresh-prices}
 * passes (the catalog's fal models and those of the pipelines it was given); an endpoint fal does
 * not list is skipped and counted. The call is free and reads only, so the transport may repeat
 * it ({@link HttpCall.Retry#SAFE}); the key ({@code Authorization: Key ...}) is masked in every
 * message.
 *
 * <p>Every price of an answer must be usable, or the whole refresh fails and the stored list
 * stays: an answer without a {@code prices} list, an item without {@code endpoint_id},
 * {@code unit} or {@code unit_price}, a price that is not a number of 0 or more, a currency other
 * than US dollars or a unit ACP cannot price ({@link FalPriceUnit}). A partial list written over a
 * good one would turn known prices into unknown ones without a word.
 */
final class FalPrices implements PublishedPrices {
    /** The source named in every entry. */
    static final String SOURCE = "fal Platform API GET /v1/models/pricing";
    static final String PATH = "/v1/models/pricing";
    /** The most endpoint ids one call takes (fal's documented limit). */
    static final int BATCH = 50;
    /** Pages one batch may take: far more than 50 ids can fill; beyond that the answer is taken for a loop. */
    private static final int MAX_PAGES = 20;
    private static final String CALL = "GET " + PATH;

    /**
     * fal's own classification, with what a refused key means here: the price list is an account
     * call, for which fal's docs variously ask for an API key or an admin API key.
     */
    private static final ErrorMapper ERRORS = r -> {
        ErrorMapper.Classified c = FalErrors.INSTANCE.classify(r);
        if (c.kind() != ErrorKind.AUTH) {
            return c;
        }
        return new ErrorMapper.Classified(c.kind(), c.message() + "; fal refused " + FalProviderFactory.KEY_VARIABLE
                + " for its price list, for which fal's docs call for an API key or an admin API key: check the key,"
                + " or create one at fal.ai/dashboard/keys", c.retryAfter());
    };

    private final String platformBase;
    private final @Nullable String key;
    private final HttpTransport transport;
    private final Governor governor;
    private final List<String> secrets;

    FalPrices(String platformBase, @Nullable String key, HttpTransport transport, Governor governor) {
        this.platformBase = platformBase;
        this.key = key == null || key.isBlank() ? null : key;
        this.transport = transport;
        this.governor = governor;
        this.secrets = this.key == null ? List.of() : List.of(this.key);
    }

    @Override
    public String provider() {
        return FalProviderFactory.ID;
    }

    @Override
    public java.util.Optional<String> unavailable() {
        return key == null ? java.util.Optional.of(FalProviderFactory.KEY_VARIABLE + " is not set; fal's price list"
                + " needs a key") : java.util.Optional.empty();
    }

    @Override
    public PriceList fetch(LocalDate asOf, Set<String> modelIds) throws ProviderException, InterruptedException {
        if (key == null) {
            throw new ProviderException(ErrorKind.AUTH, "fal: " + FalProviderFactory.KEY_VARIABLE + " is not set (or"
                    + " providers.fal.api_key in ACP_HOME/config.yaml); fal's price list needs a key, for which fal's"
                    + " docs call for an API key or an admin API key");
        }
        List<Skipped> skipped = new ArrayList<>();
        // Sorted, so that the calls (and a mock's expectations) are the same whatever order the ids came in.
        List<String> ids = new ArrayList<>();
        for (String id : new TreeSet<>(modelIds)) {
            if (endpointId(id)) {
                ids.add(id);
            } else {
                skipped.add(new Skipped(id, "not a fal endpoint id"));
            }
        }
        if (ids.isEmpty()) {
            throw new ProviderException(ErrorKind.VALIDATION, "fal: no endpoint to ask fal's prices for; name a"
                    + " pipeline with a fal step, or a fal model id such as fal-ai/flux/dev");
        }
        Map<String, PriceEntry> entries = new LinkedHashMap<>();
        for (int from = 0; from < ids.size(); from += BATCH) {
            fetchBatch(ids.subList(from, Math.min(ids.size(), from + BATCH)), asOf, entries, skipped);
        }
        for (String id : ids) {
            if (!entries.containsKey(id)) {
                skipped.add(new Skipped(id, "fal lists no price for this endpoint"));
            }
        }
        if (entries.isEmpty()) {
            // An empty list would replace good prices with none: more likely a broken answer than a fact.
            throw new ProviderException(ErrorKind.TRANSIENT, "fal: " + CALL + " listed no price for any of the "
                    + ids.size() + " endpoints asked about (" + shorten(String.join(", ", ids), 120) + ")");
        }
        return new PriceList(FalProviderFactory.ID, asOf, List.copyOf(entries.values()), skipped);
    }

    /** One batch of ids, following {@code has_more}/{@code next_cursor} over as many pages as fal gives. */
    private void fetchBatch(List<String> ids, LocalDate asOf, Map<String, PriceEntry> entries, List<Skipped> skipped)
            throws ProviderException, InterruptedException {
        Set<String> cursors = new HashSet<>();
        String cursor = null;
        for (int page = 1; ; page++) {
            HttpResult r = transport.execute(HttpCall.get(uri(ids, cursor), headers(), governor, ERRORS, secrets));
            JsonNode answer = read(r);
            JsonNode prices = answer.path("prices");
            if (!prices.isArray()) {
                throw bad("the answer of " + CALL + " (HTTP " + r.status() + ") has no 'prices' list: " + r.excerpt());
            }
            int index = 0;
            for (JsonNode item : prices) {
                index++;
                PriceEntry e = entry(item, index, asOf);
                if (entries.containsKey(e.model())) {
                    skipped.add(new Skipped(e.model(), "listed twice; the first price is kept"));
                } else {
                    entries.put(e.model(), e);
                }
            }
            // UNCONFIRMED how fal pages: a has_more without a cursor cannot be followed, so it ends the batch.
            String next = Json.text(answer, "next_cursor");
            if (!answer.path("has_more").asBoolean(false) || next == null || next.isBlank()) {
                return;
            }
            if (!cursors.add(next) || page >= MAX_PAGES) {
                throw bad(CALL + " kept answering has_more after " + page + " pages (cursor '" + shorten(next, 40)
                        + "'); try again later");
            }
            cursor = next;
        }
    }

    /** One item of {@code prices}, or the reason the whole answer is refused. */
    private PriceEntry entry(JsonNode item, int index, LocalDate asOf) throws ProviderException {
        String endpoint = item.isObject() ? Json.text(item, "endpoint_id") : null;
        if (endpoint == null || endpoint.isBlank()) {
            throw bad(CALL + " lists a price without an endpoint_id (item " + index + " of the 'prices' list)");
        }
        String unitText = Json.text(item, "unit");
        if (unitText == null || unitText.isBlank()) {
            throw bad("the price of " + endpoint + " has no unit");
        }
        JsonNode amount = item.get("unit_price");
        if (amount == null || amount.isNull()) {
            throw bad("the price of " + endpoint + " has no unit_price");
        }
        BigDecimal price = Json.decimal(amount);
        if (price == null) {
            throw bad("the unit_price of " + endpoint + " is not a number ('" + shorten(amount.asText(), 40) + "')");
        }
        if (price.signum() < 0) {
            throw bad("the unit_price of " + endpoint + " is negative (" + price.toPlainString() + ")");
        }
        String currency = Json.text(item, "currency");
        // fal bills in US dollars; an item that names no currency is taken to be in fal's own.
        if (currency != null && !currency.strip().equalsIgnoreCase("USD")) {
            throw bad(endpoint + " is priced in '" + shorten(currency, 20) + "', and ACP keeps prices in US dollars"
                    + " (USD); set its price in ACP_HOME/pricing.yaml");
        }
        FalPriceUnit unit = FalPriceUnit.of(unitText).orElseThrow(() -> bad("the price of " + endpoint + " is per '"
                + shorten(unitText, 40) + "', a unit ACP cannot price (it knows " + FalPriceUnit.KNOWN
                + "); set its price in ACP_HOME/pricing.yaml"));
        if (unit.unit() == dev.acp.cost.BillingUnit.MEGAPIXEL) {
            // fal bills each image in whole megapixels, rounded up, 1024×1024 being one (its FLUX pages);
            // the high end counts 1,000,000 pixels a megapixel, as the built-in prices do.
            BigDecimal p = unit.price(price);
            return new PriceEntry(FalProviderFactory.ID, endpoint, new Tariff.PerMegapixel(p, 1_048_576L, true),
                    new Tariff.PerMegapixel(p, Tariff.PerMegapixel.DECIMAL, true), null, null, SOURCE, asOf.toString());
        }
        return PriceEntry.perUnit(FalProviderFactory.ID, endpoint, unit.unit(), unit.price(price), SOURCE,
                asOf.toString());
    }

    /**
     * An answer ACP cannot use, as for OpenRouter's: the refresh fails (exit 1) and the stored list
     * stays. Whatever fal's answer held is masked, in case it echoes the key.
     */
    private ProviderException bad(String what) {
        return new ProviderException(ErrorKind.TRANSIENT, mask("fal: " + FalErrors.oneLine(what)));
    }

    /** The answer as JSON; one that is not is refused like any other bad answer, masked. */
    private JsonNode read(HttpResult r) throws ProviderException {
        try {
            return Json.read(r, FalProviderFactory.ID, ErrorKind.TRANSIENT);
        } catch (ProviderException e) {
            throw new ProviderException(e.kind(), mask(String.valueOf(e.getMessage())));
        }
    }


    /** Ids are joined with commas into one query value: an id holding one (or a space) cannot be sent. */
    private static boolean endpointId(String id) {
        return !id.isBlank() && !id.contains("{{") && id.chars().noneMatch(c -> c == ',' || c == '?' || c == '#'
                || c == '&' || Character.isWhitespace(c));
    }

    private URI uri(List<String> ids, @Nullable String cursor) {
        List<String> encoded = ids.stream().map(FalPrices::encode).toList();
        return URI.create(platformBase + PATH + "?endpoint_id=" + String.join(",", encoded)
                + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8).replace("+", "%20")));
    }

    /** Endpoint ids keep their slashes, as fal's docs write them ({@code endpoint_id=fal-ai/flux/dev}). */
    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("%2F", "/");
    }

    private Map<String, String> headers() {
        return Map.of("Authorization", "Key " + key, "Accept", "application/json");
    }

    private String mask(String message) {
        return key == null ? message : message.replace(key, "****");
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }
}
