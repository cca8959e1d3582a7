package io.syncline.tools.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.syncline.testkit.Deadlines;
import io.syncline.tools.embedded.EmbeddedStack;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * The operations console in a real browser (Debian's headless Chromium through its chromedriver)
 * against a real mesh (KRaft broker, Connect worker, two PostgreSQL sites) holding a conflict parked
 * for a person and a change site b refused: the page shows every site running and a lag chart that
 * keeps updating, lists the conflict with both versions; settling it from the page (keeping one
 * version, or a row edited on the page) brings every site's database to that version, and replaying the dead letter from the page (once the site
 * can hold it) applies it exactly once, even when replayed twice; a stopped capture's growing WAL
 * shows as a warning. A screenshot of each screen goes to
 * {@code target/console-screenshots/}.
 */
class ConsoleIT {

    private static final String REVIEWED = "public.reviewed";
    private static final String WIDENING = "public.widening";
    private static final String LONG_CODE = "a code longer than ten characters";
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(90);

    private static EmbeddedStack stack;
    private static WebDriver browser;
    private static Path profile;

    @BeforeAll
    static void start() throws IOException {
        String group = "ui" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
        stack = EmbeddedStack.start(EmbeddedStack.Options.sites("a:postgres,b:postgres").withGroup(group)
                .withCoordinators(1));
        stack.applySql("CREATE TABLE " + REVIEWED + " (id bigint PRIMARY KEY, v text)");
        // b's column is narrower than a's: a's long value is refused there until b widens it.
        execute("a", "CREATE TABLE " + WIDENING + " (id bigint PRIMARY KEY, code varchar(50))");
        execute("b", "CREATE TABLE " + WIDENING + " (id bigint PRIMARY KEY, code varchar(10))");
        stack.startSync(List.of(REVIEWED, WIDENING), Map.of("conflict.resolver." + REVIEWED, "manual",
                "apply.ledger.enabled", "true"));
        Files.createDirectories(SCREENSHOTS);
        try (var old = Files.list(SCREENSHOTS)) {
            // Screenshots of an earlier failed run would read as this run's.
            old.filter(p -> p.getFileName().toString().startsWith("failed-")).forEach(p -> p.toFile().delete());
        }
        profile = Files.createTempDirectory("syncline-chromium-");
        browser = startChromium(profile);
    }

    /** Chromium as Debian installs it; without the background-networking switches it stalls on a closed network. */
    private static WebDriver startChromium(Path userData) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(System.getProperty("syncline.chromium", "/usr/bin/chromium"));
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1000", "--user-data-dir=" + userData);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("syncline.chromedriver", "/usr/bin/chromedriver")))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
        if (profile != null) {
            try (var files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void thePageShowsTheMeshAndSettlesAConflictAndReplaysADeadLetter() throws Exception {
        parkAConflict();
        deadLetterAtB();

        browser.get(stack.connect().restUrl() + "/syncline/ui");
        assertThat(browser.getCurrentUrl()).as("the console redirects to its folder").endsWith("/syncline/ui/");

        // Mesh: every site and every task RUNNING.
        awaitPage("both sites listed as running", () -> {
            List<WebElement> rows = browser.findElements(By.cssSelector("#sites-table tbody tr"));
            return rows.size() == 2 && rows.stream().allMatch(r -> "true".equals(r.getAttribute("data-running")));
        }, () -> text("#sites-table"));
        List<String> taskStates = new ArrayList<>();
        browser.findElements(By.cssSelector("#sites-table .task")).forEach(t -> taskStates.add(t.getAttribute(
                "data-task-state")));
        assertThat(taskStates).isNotEmpty().containsOnly("RUNNING");
        awaitPage("the coordinator's leader shown", () -> !text("#coordinator-leader").isBlank()
                && !text("#coordinator-leader").equals("none"), () -> text("#coordinator"));
        awaitPage("leases shown", () -> !browser.findElements(By.cssSelector("#leases-table tbody tr")).isEmpty(),
                () -> text("#leases-table"));
        screenshot("mesh");

        // Lag: the chart keeps drawing new samples while both sites write.
        open("lag");
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        AtomicLong next = new AtomicLong(1_000);
        load.scheduleWithFixedDelay(() -> {
            long id = next.incrementAndGet();
            execute(id % 2 == 0 ? "a" : "b", "INSERT INTO " + REVIEWED + " VALUES (" + id + ", 'load')");
        }, 0, 100, TimeUnit.MILLISECONDS);
        try {
            awaitPage("the lag chart has samples", () -> samples() >= 2, () -> "samples " + samples());
            int before = samples();
            awaitPage("the lag chart updates", () -> samples() >= before + 10, () -> "samples " + samples());
        } finally {
            load.shutdownNow();
        }
        screenshot("lag");

        // Conflicts: the parked one, both versions side by side with the differing column marked.
        open("conflicts");
        By parkedAtA = By.cssSelector("#conflicts-table tbody tr[data-status='parked'][data-site='a'][data-key='1']");
        awaitPage("the parked conflict listed", () -> !browser.findElements(parkedAtA).isEmpty(),
                () -> text("#conflicts-table"));
        browser.findElement(parkedAtA).click();
        By differing = By.cssSelector("#conflict-versions tr[data-column='v'][data-differs='true']");
        awaitPage("both versions shown", () -> !browser.findElements(differing).isEmpty(),
                () -> text("#conflict-detail"));
        WebElement versions = browser.findElement(differing);
        assertThat(versions.findElement(By.cssSelector("td.local")).getText()).isEqualTo("from a");
        assertThat(versions.findElement(By.cssSelector("td.incoming")).getText()).isEqualTo("from b");
        assertThat(browser.findElement(By.id("conflict-actions")).isDisplayed()).isTrue();
        screenshot("conflicts");
        browser.findElement(By.id("keep-local")).click();
        awaitPage("the page says the conflict is settled", () -> text("#conflict-message").startsWith("settled"),
                () -> text("#conflict-message"));
        awaitValue("from a");
        for (String site : List.of("a", "b")) {
            Deadlines.await("no parked conflict of key 1 left at " + site, WAIT, () -> "0".equals(StackSql.query(stack,
                    site, "SELECT count(*) FROM syncline.conflicts WHERE status = 'parked' AND pk = '1'")),
                    () -> "some left");
        }
        screenshot("conflict-settled");

        // The second parked conflict: settled with a row a person edited on the page.
        By secondAtA = By.cssSelector("#conflicts-table tbody tr[data-status='parked'][data-site='a'][data-key='2']");
        awaitPage("the second parked conflict listed", () -> !browser.findElements(secondAtA).isEmpty(),
                () -> text("#conflicts-table"));
        browser.findElement(secondAtA).click();
        awaitPage("the second conflict's versions shown", () -> text("#conflict-title").contains("key 2")
                && browser.findElement(By.id("conflict-actions")).isDisplayed(), () -> text("#conflict-detail"));
        browser.findElement(By.id("edit-row")).click();
        WebElement editor = browser.findElement(By.id("edit-json"));
        editor.clear();
        editor.sendKeys("{\"v\": \"edited on the page\"}");
        browser.findElement(By.id("save-edit")).click();
        awaitPage("the page says the edit settled it", () -> text("#conflict-message").startsWith("settled: kept edit"),
                () -> text("#conflict-message"));
        String second = "SELECT v FROM " + REVIEWED + " WHERE id = 2";
        Deadlines.await("both sites hold the edited row", WAIT, () -> "edited on the page".equals(StackSql.query(stack,
                "a", second)) && "edited on the page".equals(StackSql.query(stack, "b", second)),
                () -> StackSql.quietly(stack, "b", second));
        for (String site : List.of("a", "b")) {
            Deadlines.await("no parked conflict left at " + site + " after the edit", WAIT, () -> "0".equals(
                    StackSql.query(stack, site, "SELECT count(*) FROM syncline.conflicts WHERE status = 'parked'")),
                    () -> "some left");
        }

        // Dead letters: b's refused change, values hidden, pending; b widens, then it is replayed from the page.
        open("deadletters");
        By pending = By.cssSelector(".site-letters[data-site='b'] tr[data-key='1'][data-held='false']");
        awaitPage("b's dead letter listed as pending", () -> !browser.findElements(pending).isEmpty(),
                () -> text("#deadletters"));
        WebElement letter = browser.findElement(pending);
        assertThat(letter.getText()).contains(WIDENING).contains("SQLSTATE 22001").doesNotContain(LONG_CODE);
        assertThat(letter.findElement(By.cssSelector("td.masked")).getText()).isEqualTo("hidden");
        screenshot("deadletters");
        execute("b", "ALTER TABLE " + WIDENING + " ALTER COLUMN code TYPE varchar(50)");
        replayFromThePage("b");
        String row = "SELECT coalesce(code, 'NULL') FROM " + WIDENING + " WHERE id = 1";
        StackSql.awaitRow(stack, "b", row, LONG_CODE);
        // A second replay changes nothing: the site holds that version already.
        replayFromThePage("b");
        long end = stack.kafka().endOffsetsSum(stack.changesTopic());
        Deadlines.await("b consumed the second replay", WAIT, () -> Long.parseLong(StackSql.query(stack, "b",
                "SELECT coalesce(sum(next_offset), 0) FROM syncline.offsets")) >= end, () -> "behind");
        assertThat(StackSql.query(stack, "b", "SELECT count(*) FROM syncline.apply_ledger WHERE table_name = '"
                + WIDENING + "'")).as("the replayed change applied once at b").isEqualTo("1");
        assertThat(StackSql.query(stack, "b", row)).isEqualTo(LONG_CODE);
        By held = By.cssSelector(".site-letters[data-site='b'] tr[data-key='1'][data-held='true']");
        awaitPage("the dead letter shown as applied", () -> !browser.findElements(held).isEmpty(),
                () -> text("#deadletters"));
        screenshot("deadletters-replayed");

        // Row history: each site's version of the settled row, the same everywhere.
        open("rows");
        browser.findElement(By.id("row-table")).sendKeys(REVIEWED);
        browser.findElement(By.id("row-key")).sendKeys("1");
        browser.findElement(By.id("row-lookup")).click();
        awaitPage("both sites' versions of the row", () -> browser.findElements(By.cssSelector(
                "#row-table-result tbody tr")).size() == 2 && text("#row-verdict").startsWith("every site"),
                () -> text("#row-verdict") + " " + text("#row-table-result"));
        screenshot("rows");
        assertThat(stack.failures()).isEmpty();

        // Warnings: a's capture stopped while a writes; the WAL its slot keeps rises past the source's level.
        String sourceA = stack.sourceConnector("a", List.of(REVIEWED, WIDENING)).name();
        Map<String, String> warnAt8 = new HashMap<>(stack.sourceConnector("a", List.of(REVIEWED, WIDENING)).config());
        warnAt8.put("wal.warn.retained.mb", "8");
        stack.rest().putConnectorConfig(sourceA, warnAt8);
        Deadlines.await(sourceA + " runs again with its new config", WAIT,
                () -> "RUNNING".equals(stack.rest().connectorState(sourceA)), () -> "not yet");
        open("mesh");
        awaitPage("a's retained WAL shown", () -> retained("a") >= 0, () -> text("#sites-table"));
        long before = retained("a");
        stack.rest().stopConnector(sourceA);
        execute("a", "CREATE TABLE public.wal_filler (pad text)");
        execute("a", "INSERT INTO public.wal_filler SELECT repeat(md5(g::text), 32) FROM generate_series(1, 24000) g");
        awaitPage("the page warns of a's stopped capture and the WAL it leaves behind", () -> retained("a")
                > before + (16L << 20) && text("#warnings").contains("is STOPPED")
                && text("#warnings").contains("of WAL (over 8 MiB)"), () -> text("#warnings") + " " + retained("a"));
        screenshot("warnings");
    }

    /** The WAL site {@code site}'s slot retains as the mesh table shows it, -1 while not shown. */
    private static long retained(String site) {
        String bytes = browser.findElement(By.cssSelector("#sites-table tbody tr[data-site='" + site + "']"))
                .getAttribute("data-retained-bytes");
        return bytes == null || bytes.isEmpty() ? -1 : Long.parseLong(bytes);
    }

    private static void parkAConflict() throws Exception {
        StackSql.execute(stack, "a", "INSERT INTO " + REVIEWED + " VALUES (1, 'start'), (2, 'start')");
        awaitValue("start");
        StackSql.awaitRow(stack, "b", "SELECT count(*) FROM " + REVIEWED + " WHERE id = 2", "1");
        List<String> sinks = List.of(stack.sinkConnector("a", List.of()).name(), stack.sinkConnector("b", List.of())
                .name());
        StackConnectors.pauseAndAwait(stack, sinks);
        StackSql.execute(stack, "a", "UPDATE " + REVIEWED + " SET v = 'from a' WHERE id IN (1, 2)");
        StackSql.execute(stack, "b", "UPDATE " + REVIEWED + " SET v = 'from b' WHERE id IN (1, 2)");
        for (String sink : sinks) {
            stack.rest().resumeConnector(sink);
        }
        for (String site : List.of("a", "b")) {
            Deadlines.await("site " + site + " parked both conflicts", WAIT, () -> "2".equals(StackSql.query(stack, site,
                    "SELECT count(DISTINCT pk) FROM syncline.conflicts WHERE status = 'parked'")), () -> "not yet");
        }
    }

    private static void deadLetterAtB() throws Exception {
        execute("a", "INSERT INTO " + WIDENING + " VALUES (1, '" + LONG_CODE + "')");
        String dlq = stack.group() + ".dlq.b";
        Deadlines.await("b set a's long value aside on " + dlq, WAIT, () -> TopicRecords.readAll(
                stack.kafka().bootstrapServers(), dlq).stream().anyMatch(r -> (WIDENING + "/1").equals(r.key())),
                () -> "failures " + stack.failures());
    }

    private static void replayFromThePage(String site) {
        By button = By.cssSelector("button.replay[data-site='" + site + "']");
        By message = By.cssSelector(".site-letters[data-site='" + site + "'] .replay-message");
        awaitPage("the replay button of " + site, () -> browser.findElement(button).isEnabled(), () -> "absent");
        browser.findElement(button).click();
        awaitPage("the page says the replay is done", () -> text(message).startsWith("replayed"), () -> text(message));
    }

    private static void open(String tab) {
        browser.findElement(By.cssSelector("#tabs a[data-tab='" + tab + "']")).click();
        awaitPage("tab " + tab + " shown", () -> browser.findElement(By.id("tab-" + tab)).isDisplayed(), () -> tab);
    }

    private static int samples() {
        String n = browser.findElement(By.id("chart-lag-ms")).getAttribute("data-samples");
        return n == null ? 0 : Integer.parseInt(n);
    }

    private static String text(String css) {
        return text(By.cssSelector(css));
    }

    private static String text(By by) {
        try {
            return browser.findElement(by).getText();
        } catch (NoSuchElementException | StaleElementReferenceException e) {
            return "";
        }
    }

    /** Waits for the page, counting an element that is not (or no longer) there as "not yet". */
    private static void awaitPage(String what, Supplier<Boolean> condition, Supplier<String> lastSeen) {
        Deadlines.await(what, WAIT, () -> {
            try {
                return condition.get();
            } catch (NoSuchElementException | StaleElementReferenceException e) {
                return false;
            }
        }, () -> {
            screenshotQuietly("failed-" + what.replaceAll("[^a-z0-9]+", "-"));
            return lastSeen.get();
        });
    }

    private static void screenshot(String name) throws IOException {
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }

    private static void screenshotQuietly(String name) {
        try {
            screenshot(name);
        } catch (IOException | RuntimeException e) {
            // the failure itself is what matters
        }
    }

    private static void awaitValue(String value) {
        String sql = "SELECT v FROM " + REVIEWED + " WHERE id = 1";
        Deadlines.await("both sites hold " + value, WAIT,
                () -> value.equals(StackSql.query(stack, "a", sql)) && value.equals(StackSql.query(stack, "b", sql)),
                () -> "failures " + stack.failures());
    }

    private static void execute(String site, String sql) {
        try {
            StackSql.execute(stack, site, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(site + ": " + sql + ": " + e.getMessage(), e);
        }
    }
}
