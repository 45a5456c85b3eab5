package dev.acp.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.acp.env.Environment;
import dev.acp.local.media.FfmpegLocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web page in a real browser (Debian's headless chromium through chromedriver): an offline
 * run started from the page's form, its steps seen running and then done from the event stream,
 * the produced video playable, previews labelled, no horizontal scrolling at phone width. The
 * screenshots are kept under {@code target/browser/} to look at. Without chromium the test is
 * skipped with how to install it, or fails when {@code ACP_REQUIRE_BROWSER=1} (as {@code .ci/run}
 * sets once it has installed them).
 */
class BrowserPageTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "browser");
    /** Where the bundled ffmpeg is extracted once for all tests (as the CLI's tests do). */
    static final Path TOOLS_HOME = Path.of(System.getProperty("java.io.tmpdir"), "acp-test-home");

    /**
     * The seed's {@code content_creation.yaml} (examples/seed) made small for a quick test: the same
     * three step types and models, a one-second 320x180 clip instead of six seconds at 720p.
     */
    static final String SMALL_SEED = """
            pipeline_name: preview_clip
            description: "examples/seed/content_creation.yaml, small"
            output_directory: preview_clip
            steps:
              - step_type: text_to_image
                config: { prompt: "A serene mountain landscape at sunset", model: flux-dev, image_size: "320x180" }
                output_filename: landscape.png
              - step_type: text_to_video
                config: { prompt: "Mountains with flowing water and golden light", model: minimax-hailuo-pro,
                          duration: 1, width: 320, height: 180, fps: 12 }
                output_filename: landscape_video.mp4
              - step_type: text_to_speech
                config: { text: "Experience the tranquil beauty of nature", voice: Rachel }
                output_filename: narration.mp3
            """;

    @TempDir
    Path dir;
    TestServer server;
    ChromeDriver browser;

    @BeforeEach
    void start() throws Exception {
        String missing = !Files.isExecutable(CHROMIUM) ? CHROMIUM.toString()
                : !Files.isExecutable(CHROMEDRIVER) ? CHROMEDRIVER.toString() : null;
        if (missing != null) {
            String message = missing + " is missing, so the web page's browser test cannot run; install Debian's"
                    + " browser with 'apt-get install -y --no-install-recommends chromium chromium-driver'"
                    + " (.ci/run does when it runs as root)";
            if ("1".equals(System.getenv("ACP_REQUIRE_BROWSER"))) {
                Assertions.fail(message + "; ACP_REQUIRE_BROWSER=1 asks for it");
            }
            Assumptions.abort(message);
        }
        Path pipelines = Files.createDirectories(dir.resolve("pipelines"));
        Files.writeString(pipelines.resolve("preview_clip.yaml"), SMALL_SEED);
        Files.copy(Path.of("..", "examples", "seed", "content_creation.yaml"),
                pipelines.resolve("content_creation.yaml"));
        Path ffmpeg = new FfmpegLocator(Environment.of(Map.of("PATH", "/usr/bin:/bin")), TOOLS_HOME).locate().path();
        server = new TestServer(dir, o -> o.withPipelines(pipelines), Map.of("PATH", "/usr/bin:/bin",
                FfmpegLocator.ENV_VARIABLE, ffmpeg.toString()));

        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1000", "--mute-audio", "--autoplay-policy=no-user-gesture-required",
                "--no-first-run", "--disable-extensions", "--disable-background-networking");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stop() throws Exception {
        if (browser != null) {
            // The last state, to look at when a step above failed.
            Files.createDirectories(SCREENSHOTS);
            screenshot("last.png");
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void an_offline_run_started_from_the_page_shows_its_steps_live_and_plays_its_video() throws Exception {
        browser.get(server.uri("/").toString());
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20), Duration.ofMillis(50));

        // Pasted YAML with a mistake: the problem is shown inline with its line, step and fix.
        browser.findElement(By.cssSelector("input[name=source][value=text]")).click();
        browser.findElement(By.id("pipeline-text")).sendKeys("pipeline_name: typo\noutput_directory: typo\nsteps:\n"
                + "  - { id: img, step_type: text_to_imag, config: { prompt: x } }\n");
        browser.findElement(By.id("check-button")).click();
        WebElement problem = wait.until(d -> d.findElement(By.cssSelector("#check-result .problems li")));
        assertThat(problem.findElement(By.className("where")).getText()).contains("line 4").contains("step img");
        assertThat(problem.findElement(By.className("fix")).getText()).startsWith("Fix: ");

        // A pipeline from --pipelines, checked and estimated before anything starts.
        browser.findElement(By.cssSelector("input[name=source][value=file]")).click();
        wait.until(d -> !d.findElements(By.cssSelector("#pipeline-file option[value='preview_clip.yaml']")).isEmpty());
        new Select(browser.findElement(By.id("pipeline-file"))).selectByValue("preview_clip.yaml");
        browser.findElement(By.id("check-button")).click();
        WebElement estimate = wait.until(d -> d.findElement(By.cssSelector("#check-result .estimate")));
        assertThat(estimate.getText()).contains("Expected").contains("$0.00");
        assertThat(browser.findElement(By.id("check-result")).getText()).contains("Valid: preview_clip, 3 steps");
        Files.createDirectories(SCREENSHOTS);
        assertPng(screenshot("start-form.png"));

        // Starting needs the token: without it the page asks for it and nothing starts.
        browser.findElement(By.id("start-button")).click();
        wait.until(d -> d.findElement(By.id("token-box")).getDomAttribute("open") != null);
        assertThat(server.runFolderExists()).isFalse();
        browser.findElement(By.id("token-input")).sendKeys(server.token);
        browser.findElement(By.cssSelector("#token-form button[type=submit]")).click();
        browser.findElement(By.id("start-button")).click();
        wait.until(d -> d.getCurrentUrl().contains("#/runs/"));
        assertThat(browser.getCurrentUrl()).doesNotContain(server.token);

        // Every status a step card shows, recorded as it changes: the steps are seen running, then done.
        js("""
                window.seen = [];
                const note = (li) => window.seen.push(li.dataset.step + ':' + li.dataset.status);
                document.querySelectorAll('#steps li').forEach(note);
                new MutationObserver((changes) => changes.forEach((c) => {
                  if (c.type === 'attributes' && c.target.matches('#steps li')) note(c.target);
                  c.addedNodes.forEach((n) => n.matches && n.matches('#steps li') && note(n));
                })).observe(document.getElementById('steps'),
                  { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
                """);
        WebDriverWait run = new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(50));
        run.until(d -> d.findElements(By.cssSelector("#steps li[data-status=succeeded]")).size() == 3);
        run.until(d -> "succeeded".equals(d.findElement(By.id("run-status")).getDomAttribute("data-status")));
        @SuppressWarnings("unchecked")
        List<String> seen = new ArrayList<>((List<String>) js("return window.seen;"));
        assertThat(seen).contains("text_to_video_1:running", "text_to_video_1:succeeded");
        assertThat(seen.indexOf("text_to_video_1:running")).isLessThan(seen.indexOf("text_to_video_1:succeeded"));

        // Previews are labelled as previews: the run and each step.
        WebElement banner = wait.until(d -> d.findElement(By.id("run-preview")));
        wait.until(d -> banner.isDisplayed());
        assertThat(banner.getText()).startsWith("Preview:").contains("not AI-generated");
        assertThat(browser.findElements(By.cssSelector("#steps li .step-head .badge.preview"))).hasSize(3);

        // The players: the image shows, the video plays to at least its metadata.
        WebElement video = wait.until(d -> d.findElement(By.cssSelector("li[data-step=text_to_video_1] video")));
        assertThat(video.getDomAttribute("src")).contains("/files/landscape_video.mp4?ticket=")
                .doesNotContain(server.token);
        assertThat(browser.findElements(By.cssSelector("li[data-step=text_to_speech_1] audio"))).hasSize(1);
        Object played = browser.executeAsyncScript("""
                const [v, done] = arguments; v.muted = true;
                v.play().then(() => done('playing'), (e) => done(String(e)));""", video);
        assertThat(played).isEqualTo("playing");
        wait.until(d -> ((Number) js("return arguments[0].readyState;", video)).intValue() >= 1);
        assertThat(((Number) js("return arguments[0].duration;", video)).doubleValue()).isBetween(0.5, 2.0);
        wait.until(d -> (Boolean) js("const i = document.querySelector('li[data-step=text_to_image_1] img');"
                + " return i !== null && i.complete && i.naturalWidth === 320;"));

        assertPng(screenshot("run-page.png"));

        // Phone width: no horizontal scrolling on the run page or the list.
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", 390, "height", 844,
                "deviceScaleFactor", 1, "mobile", true));
        assertNoHorizontalScroll();
        assertPng(screenshot("run-page-phone.png"));
        browser.findElement(By.cssSelector("#run-view a[href='#/']")).click();
        wait.until(d -> !d.findElements(By.cssSelector("#runs-body tr[data-status=succeeded]")).isEmpty());
        assertNoHorizontalScroll();
        assertPng(screenshot("runs-phone.png"));
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeScript(script, args);
    }

    private void assertNoHorizontalScroll() {
        Number overflow = (Number) js("return document.documentElement.scrollWidth - window.innerWidth;");
        assertThat(overflow.intValue()).as("pixels of horizontal scrolling at 390 px").isLessThanOrEqualTo(0);
    }

    private byte[] screenshot(String name) throws Exception {
        byte[] png = browser.getScreenshotAs(OutputType.BYTES);
        Files.write(SCREENSHOTS.resolve(name), png);
        return png;
    }

    private static void assertPng(byte[] png) {
        assertThat(png.length).isGreaterThan(2_000);
        assertThat(java.util.Arrays.copyOf(png, 8)).containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
    }
}
