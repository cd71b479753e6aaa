// Lucene 8 doing the indexing work kosearch does, on kosearch's own passages: the yardstick
// of `scripts/bench-vs-nori --same-work` beside ../shared/bench/lucene-nori (one document per
// file, one analysed field).
//
// Input: a file of passages, records separated by U+001E and fields by U+001F: path, article,
// id, title, text, passage, passages, byte_start, byte_end, char_start, char_end, format,
// source, date (what `kosearch export --to opensearch --all` writes, flattened by the bench script).
//
// Each passage is one document with the fields of schema/kosearch.schema.json that cost
// indexing work:
//   text      Nori (mixed decompounding, Nori's default stop tags), positions, stored;
//             analysed once, and the same tokens make
//   pairs     each term with the next one (kosearch's `ko_pairs`), frequencies only;
//   bigrams   Lucene's CJK bigrams of the text (kosearch's `ko_bigrams`), frequencies only;
//   title, source   Nori, positions, stored;  path_text  the standard analyser, positions;
//   kind, path, article, id, format, date   keywords (path and article also sorted doc values);
//   passage, passages, byte and char offsets   points and stored values (passage a doc value).
// What kosearch does and this does not: reading, decoding and parsing the files, cutting
// passages, storing each passage's token table for highlights.
//
// Usage: java -cp "<jars>:." IndexNoriPassages <passages-file> <index-dir> <threads>
// Prints: passages N bytes B seconds S MB/s X (B: the text of the passages, in UTF-8).
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import org.apache.lucene.analysis.*;
import org.apache.lucene.analysis.cjk.CJKAnalyzer;
import org.apache.lucene.analysis.ko.KoreanAnalyzer;
import org.apache.lucene.analysis.ko.KoreanPartOfSpeechStopFilter;
import org.apache.lucene.analysis.ko.KoreanTokenizer.DecompoundMode;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.analysis.tokenattributes.*;
import org.apache.lucene.document.*;
import org.apache.lucene.index.*;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;

public class IndexNoriPassages {
    static final FieldType POSITIONS = frozen(IndexOptions.DOCS_AND_FREQS_AND_POSITIONS);
    static final FieldType FREQS = frozen(IndexOptions.DOCS_AND_FREQS);

    static FieldType frozen(IndexOptions options) {
        FieldType t = new FieldType();
        t.setIndexOptions(options);
        t.setTokenized(true);
        t.freeze();
        return t;
    }

    /** Tokens analysed once, replayed into a field. */
    static final class Replay extends TokenStream {
        final CharTermAttribute term = addAttribute(CharTermAttribute.class);
        final PositionIncrementAttribute inc = addAttribute(PositionIncrementAttribute.class);
        final List<String> terms;
        final int[] incs;
        int i;

        Replay(List<String> terms, int[] incs) {
            this.terms = terms;
            this.incs = incs;
        }

        @Override
        public boolean incrementToken() {
            if (i >= terms.size()) return false;
            clearAttributes();
            term.setEmpty().append(terms.get(i));
            inc.setPositionIncrement(incs[i]);
            i++;
            return true;
        }

        @Override
        public void reset() throws IOException {
            super.reset();
            i = 0;
        }
    }

    static Document passage(String[] f, Analyzer nori) throws IOException {
        Document d = new Document();
        d.add(new StringField("kind", "passage", Field.Store.NO));
        d.add(new StringField("path", f[0], Field.Store.YES));
        d.add(new SortedDocValuesField("path", new BytesRef(f[0])));
        d.add(new TextField("path_text", f[0], Field.Store.NO));
        d.add(new StringField("article", f[1], Field.Store.YES));
        d.add(new SortedDocValuesField("article", new BytesRef(f[1])));
        d.add(new StringField("id", f[2], Field.Store.YES));
        d.add(new TextField("title", f[3], Field.Store.YES));
        String text = f[4];
        List<String> terms = new ArrayList<>();
        List<Integer> incs = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        try (TokenStream ts = nori.tokenStream("text", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
            PositionLengthAttribute len = ts.addAttribute(PositionLengthAttribute.class);
            ts.reset();
            while (ts.incrementToken()) {
                terms.add(term.toString());
                incs.add(inc.getPositionIncrement());
                lengths.add(len.getPositionLength());
            }
            ts.end();
        }
        int[] inc = incs.stream().mapToInt(Integer::intValue).toArray();
        d.add(new Field("text", new Replay(terms, inc), POSITIONS));
        d.add(new StoredField("text", text));
        // Pairs: each term that is not a compound's whole with the next such term.
        List<String> pairs = new ArrayList<>();
        int last = -1;
        for (int i = 0; i < terms.size(); i++) {
            if (lengths.get(i) > 1) continue;
            if (last >= 0) pairs.add(terms.get(last) + '\u001f' + terms.get(i));
            last = i;
        }
        int[] ones = new int[pairs.size()];
        Arrays.fill(ones, 1);
        d.add(new Field("pairs", new Replay(pairs, ones), FREQS));
        d.add(new Field("bigrams", text, FREQS));
        d.add(new IntPoint("passage", Integer.parseInt(f[5])));
        d.add(new StoredField("passage", Integer.parseInt(f[5])));
        d.add(new NumericDocValuesField("passage", Long.parseLong(f[5])));
        String[] numbers = {"passages", "byte_start", "byte_end", "char_start", "char_end"};
        for (int i = 0; i < numbers.length; i++) {
            long v = Long.parseLong(f[6 + i]);
            d.add(new LongPoint(numbers[i], v));
            d.add(new StoredField(numbers[i], v));
        }
        d.add(new StringField("format", f[11], Field.Store.YES));
        if (!f[12].isEmpty()) d.add(new TextField("source", f[12], Field.Store.YES));
        if (!f[13].isEmpty()) d.add(new StringField("date", f[13], Field.Store.YES));
        return d;
    }

    public static void main(String[] a) throws Exception {
        long t0 = System.nanoTime();
        String all = new String(Files.readAllBytes(Paths.get(a[0])), StandardCharsets.UTF_8);
        String[] records = all.split("\u001e");
        int threads = Integer.parseInt(a[2]);
        Analyzer nori = new KoreanAnalyzer(null, DecompoundMode.MIXED,
                KoreanPartOfSpeechStopFilter.DEFAULT_STOP_TAGS, false);
        Map<String, Analyzer> perField = new HashMap<>();
        perField.put("title", nori);
        perField.put("source", nori);
        perField.put("bigrams", new CJKAnalyzer(CharArraySet.EMPTY_SET));
        IndexWriterConfig cfg = new IndexWriterConfig(
                new PerFieldAnalyzerWrapper(new StandardAnalyzer(), perField));
        cfg.setRAMBufferSizeMB(256);
        AtomicLong bytes = new AtomicLong();
        AtomicInteger count = new AtomicInteger();
        try (IndexWriter w = new IndexWriter(FSDirectory.open(Paths.get(a[1])), cfg)) {
            ExecutorService ex = Executors.newFixedThreadPool(threads);
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) fs.add(ex.submit(() -> {
                int i;
                while ((i = next.getAndIncrement()) < records.length) {
                    String[] f = records[i].split("\u001f", -1);
                    if (f.length < 14) continue;
                    bytes.addAndGet(f[4].getBytes(StandardCharsets.UTF_8).length);
                    count.incrementAndGet();
                    w.addDocument(passage(f, nori));
                }
                return null;
            }));
            for (var f : fs) f.get();
            ex.shutdown();
            w.commit();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("passages %d bytes %d seconds %.2f MB/s %.2f%n",
                count.get(), bytes.get(), s, bytes.get() / s / 1e6);
    }
}
