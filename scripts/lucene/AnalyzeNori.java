// Nori's analysis alone, one thread: the analyser side of `scripts/bench-vs-nori --analysis`,
// beside `cargo bench --bench analyze` on the same folder.
//
// Reads every file under a folder as UTF-8 into memory, then runs Lucene 8's KoreanAnalyzer
// (Nori with its defaults, as IndexNori and Elasticsearch use it) over every text, ROUNDS
// times. Prints each round's MB/s of UTF-8 text and the token count, and checks that every
// round gives the same count. The first rounds warm the JIT; compare best rounds.
//
// Usage: java -cp "<lucene jars>:." AnalyzeNori <folder> [rounds]
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.ko.KoreanAnalyzer;

public class AnalyzeNori {
    public static void main(String[] a) throws Exception {
        Path root = Paths.get(a[0]);
        int rounds = a.length > 1 ? Integer.parseInt(a[1]) : 3;
        List<Path> files = new ArrayList<>();
        try (var s = Files.walk(root)) { s.filter(Files::isRegularFile).sorted().forEach(files::add); }
        List<String> texts = new ArrayList<>();
        long bytes = 0;
        for (Path f : files) {
            byte[] b = Files.readAllBytes(f);
            bytes += b.length;
            texts.add(new String(b, StandardCharsets.UTF_8));
        }
        long expected = -1;
        double best = 0;
        try (Analyzer analyzer = new KoreanAnalyzer()) {
            for (int r = 0; r < rounds; r++) {
                long t0 = System.nanoTime();
                long tokens = 0;
                for (String text : texts) {
                    try (TokenStream ts = analyzer.tokenStream("text", text)) {
                        ts.reset();
                        while (ts.incrementToken()) tokens++;
                        ts.end();
                    }
                }
                double s = (System.nanoTime() - t0) / 1e9;
                if (expected >= 0 && tokens != expected) {
                    throw new IllegalStateException("round " + r + " gave " + tokens + " tokens, not " + expected);
                }
                expected = tokens;
                best = Math.max(best, bytes / s / 1e6);
                System.out.printf("round %d: %d texts, %.2f MB, %d tokens, %.3f s = %.2f MB/s%n",
                        r + 1, texts.size(), bytes / 1e6, tokens, s, bytes / s / 1e6);
            }
        }
        System.out.printf("nori analysis, 1 thread: best %.2f MB/s%n", best);
    }
}
