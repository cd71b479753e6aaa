// Reads a `kosearch export --to opensearch` folder the way OpenSearch would, with Lucene 8 and
// its Nori analyser (what OpenSearch's analysis-nori plugin runs), and prints:
//
//  1. how often Nori, configured from index.json (tokenizer, user dictionary rules, part-of-
//     speech stop tags, lower-casing), gives a passage's text the terms kosearch gave it;
//  2. a TREC run of the queries in a file of `query-id<TAB>_search body` lines (written by
//     `kosearch search --batch FILE --to opensearch`), searched over the pre-analysed fields
//     with the exported similarity, analysers and mapping, for `kosearch eval` to score.
//
// Usage: CheckExport <export-dir> <queries.dsl.tsv | -> <run-out>   (- : no queries)
// Needs lucene-core, lucene-analyzers-common, lucene-analyzers-nori (Lucene 8) and gson.
// Written for kosearch's scripts/check-opensearch-export; not a general OpenSearch emulator:
// it reads the query kinds that kosearch writes (term, match_phrase, bool, dis_max, range
// is refused) and fails on anything else, so a new kind cannot pass unchecked.

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.apache.lucene.analysis.ko.KoreanPartOfSpeechStopFilter;
import org.apache.lucene.analysis.ko.KoreanTokenizer;
import org.apache.lucene.analysis.ko.POS;
import org.apache.lucene.analysis.ko.dict.UserDictionary;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.FieldType;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexOptions;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.PhraseQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.BytesRef;

public class CheckExport {
    static JsonObject settings;
    static JsonObject properties;

    public static void main(String[] args) throws Exception {
        Path dir = Paths.get(args[0]);
        JsonObject index = JsonParser.parseString(Files.readString(dir.resolve("index.json"))).getAsJsonObject();
        settings = index.getAsJsonObject("settings").getAsJsonObject("index");
        properties = index.getAsJsonObject("mappings").getAsJsonObject("properties");
        Analyzer nori = noriAnalyzer("kosearch_nori");
        Analyzer terms = termsAnalyzer();
        JsonObject sim = settings.getAsJsonObject("similarity").getAsJsonObject("kosearch_bm25");
        BM25Similarity similarity = new BM25Similarity(sim.get("k1").getAsFloat(), sim.get("b").getAsFloat());

        ByteBuffersDirectory store = new ByteBuffersDirectory();
        IndexWriterConfig config = new IndexWriterConfig(terms).setSimilarity(similarity);
        long passages = 0, identical = 0, koTerms = 0, noriTerms = 0, common = 0;
        Set<String> ids = new HashSet<>();
        try (IndexWriter writer = new IndexWriter(store, config)) {
            List<Path> files = new ArrayList<>();
            try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "bulk-*.ndjson")) {
                s.forEach(files::add);
            }
            files.sort(null);
            for (Path file : files) {
                try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    String action;
                    while ((action = r.readLine()) != null) {
                        JsonObject a = JsonParser.parseString(action).getAsJsonObject();
                        if (!a.has("index")) {
                            throw new IllegalStateException(file + ": an action other than index in a full export: " + action);
                        }
                        String id = a.getAsJsonObject("index").get("_id").getAsString();
                        if (!ids.add(id)) {
                            throw new IllegalStateException(file + ": _id " + id + " twice");
                        }
                        JsonObject doc = JsonParser.parseString(r.readLine()).getAsJsonObject();
                        passages++;
                        // 1. Nori's terms of the text against kosearch's (finest terms and wholes).
                        Map<String, Integer> ko = new HashMap<>();
                        for (String t : values(doc, "ko_text")) {
                            for (String w : t.split(" ")) {
                                if (!w.isEmpty()) ko.merge(w, 1, Integer::sum);
                            }
                        }
                        Map<String, Integer> nr = new HashMap<>();
                        for (String t : analyse(nori, doc.get("text").getAsString())) {
                            nr.merge(t, 1, Integer::sum);
                        }
                        long k = ko.values().stream().mapToLong(Integer::longValue).sum();
                        long n = nr.values().stream().mapToLong(Integer::longValue).sum();
                        long c = 0;
                        for (Map.Entry<String, Integer> e : ko.entrySet()) {
                            c += Math.min(e.getValue(), nr.getOrDefault(e.getKey(), 0));
                        }
                        koTerms += k;
                        noriTerms += n;
                        common += c;
                        if (ko.equals(nr)) identical++;
                        // 2. The document as the mapping says.
                        writer.addDocument(document(id, doc));
                    }
                }
            }
        }
        long bytes = 0;
        for (String f : store.listAll()) bytes += store.fileLength(f);
        System.out.printf("passages %d (ids unique); Lucene index of the pre-analysed fields %.1f MB, %.0f bytes a passage%n",
                passages, bytes / 1e6, (double) bytes / Math.max(passages, 1));
        System.out.printf("Nori terms equal to kosearch's: %.1f %% of passages identical; of kosearch's %d terms, Nori has %.1f %%; of Nori's %d, kosearch has %.1f %%%n",
                100.0 * identical / passages, koTerms, 100.0 * common / koTerms, noriTerms, 100.0 * common / noriTerms);

        if (args[1].equals("-")) return;
        IndexSearcher searcher = new IndexSearcher(DirectoryReader.open(store));
        searcher.setSimilarity(similarity);
        int queries = 0;
        try (BufferedReader r = Files.newBufferedReader(Paths.get(args[1]), StandardCharsets.UTF_8);
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(Paths.get(args[2]), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                int tab = line.indexOf('\t');
                String qid = line.substring(0, tab);
                JsonObject body = JsonParser.parseString(line.substring(tab + 1)).getAsJsonObject();
                Query q = query(body.getAsJsonObject("query"), terms);
                int size = body.get("size").getAsInt();
                Sort sort = new Sort(SortField.FIELD_SCORE, new SortField("article", SortField.Type.STRING),
                        new SortField("passage", SortField.Type.LONG));
                TopFieldDocs top = searcher.search(q, Math.max(size, 1), sort, true);
                // One line per article id, at its best passage (as `kosearch search --trec`).
                LinkedHashSet<String> seen = new LinkedHashSet<>();
                int rank = 0;
                for (ScoreDoc sd : top.scoreDocs) {
                    String id = searcher.doc(sd.doc).get("id");
                    if (seen.add(id)) {
                        rank++;
                        out.printf("%s Q0 %s %d %.4f lucene%n", qid, id, rank, sd.score);
                    }
                }
                queries++;
            }
        }
        System.out.printf("queries %d searched%n", queries);
    }

    static List<String> values(JsonObject doc, String field) {
        List<String> out = new ArrayList<>();
        JsonElement v = doc.get(field);
        if (v == null || v.isJsonNull()) return out;
        if (v.isJsonArray()) {
            for (JsonElement e : v.getAsJsonArray()) out.add(e.getAsString());
        } else {
            out.add(v.getAsString());
        }
        return out;
    }

    static List<String> analyse(Analyzer a, String text) throws IOException {
        List<String> out = new ArrayList<>();
        try (TokenStream ts = a.tokenStream("text", text)) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) out.add(term.toString());
            ts.end();
        }
        return out;
    }

    /// The passage as OpenSearch would index it under the exported mapping: the pre-analysed
    /// fields with their index options; the id, article key and passage number for the run and
    /// the order.
    static Document document(String id, JsonObject doc) {
        Document d = new Document();
        d.add(new StringField("passage_id", id, Field.Store.YES));
        d.add(new StoredField("id", doc.get("id").getAsString()));
        d.add(new SortedDocValuesField("article", new BytesRef(doc.get("article").getAsString())));
        d.add(new NumericDocValuesField("passage", doc.get("passage").getAsLong()));
        for (Map.Entry<String, JsonElement> p : properties.entrySet()) {
            String name = p.getKey();
            if (!name.startsWith("ko_")) continue;
            JsonObject m = p.getValue().getAsJsonObject();
            if (!m.get("analyzer").getAsString().equals("kosearch_terms")) {
                throw new IllegalStateException(name + ": not analysed by kosearch_terms");
            }
            FieldType type = new FieldType();
            type.setTokenized(true);
            String options = m.has("index_options") ? m.get("index_options").getAsString() : "positions";
            type.setIndexOptions(switch (options) {
                case "docs" -> IndexOptions.DOCS;
                case "freqs" -> IndexOptions.DOCS_AND_FREQS;
                default -> IndexOptions.DOCS_AND_FREQS_AND_POSITIONS;
            });
            type.freeze();
            if (!doc.has(name)) throw new IllegalStateException("a document lacks " + name);
            for (String v : values(doc, name)) d.add(new Field(name, v, type));
        }
        return d;
    }

    /// Nori as index.json's analyser `name` configures it.
    static Analyzer noriAnalyzer(String name) throws IOException {
        JsonObject analysis = settings.getAsJsonObject("analysis");
        JsonObject def = analysis.getAsJsonObject("analyzer").getAsJsonObject(name);
        JsonObject tok = analysis.getAsJsonObject("tokenizer").getAsJsonObject(def.get("tokenizer").getAsString());
        if (!tok.get("type").getAsString().equals("nori_tokenizer")) throw new IllegalStateException("not nori");
        UserDictionary dict = null;
        if (tok.has("user_dictionary_rules")) {
            StringBuilder rules = new StringBuilder();
            for (JsonElement e : tok.getAsJsonArray("user_dictionary_rules")) rules.append(e.getAsString()).append('\n');
            dict = UserDictionary.open(new StringReader(rules.toString()));
        }
        KoreanTokenizer.DecompoundMode mode = KoreanTokenizer.DecompoundMode.valueOf(tok.get("decompound_mode").getAsString().toUpperCase());
        boolean discard = tok.get("discard_punctuation").getAsBoolean();
        Set<POS.Tag> stop = EnumSet.noneOf(POS.Tag.class);
        boolean lower = false;
        for (JsonElement f : def.getAsJsonArray("filter")) {
            String fname = f.getAsString();
            if (fname.equals("lowercase")) {
                lower = true;
                continue;
            }
            JsonObject fdef = analysis.getAsJsonObject("filter").getAsJsonObject(fname);
            switch (fdef.get("type").getAsString()) {
                case "nori_part_of_speech" -> {
                    for (JsonElement t : fdef.getAsJsonArray("stoptags")) stop.add(POS.Tag.valueOf(t.getAsString()));
                }
                default -> throw new IllegalStateException("filter " + fname + " in the index analyser");
            }
        }
        final UserDictionary userDict = dict;
        final boolean lowercase = lower;
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                Tokenizer t = new KoreanTokenizer(TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY, userDict, mode, false, discard);
                TokenStream s = new KoreanPartOfSpeechStopFilter(t, stop);
                if (lowercase) s = new LowerCaseFilter(s);
                return new TokenStreamComponents(t, s);
            }
        };
    }

    /// `kosearch_terms`: whitespace, lower-cased, with the mapping's gap between values.
    static Analyzer termsAnalyzer() {
        JsonObject def = settings.getAsJsonObject("analysis").getAsJsonObject("analyzer").getAsJsonObject("kosearch_terms");
        if (!def.get("tokenizer").getAsString().equals("whitespace")) throw new IllegalStateException("kosearch_terms");
        int gap = properties.getAsJsonObject("ko_text").get("position_increment_gap").getAsInt();
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                Tokenizer t = new WhitespaceTokenizer();
                return new TokenStreamComponents(t, new LowerCaseFilter(t));
            }

            @Override
            public int getPositionIncrementGap(String field) {
                return gap;
            }
        };
    }

    static float boost(JsonObject params) {
        return params.has("boost") ? params.get("boost").getAsFloat() : 1f;
    }

    static Query boosted(Query q, float boost) {
        return boost == 1f ? q : new BoostQuery(q, boost);
    }

    /// One query of the DSL, as OpenSearch builds it.
    static Query query(JsonObject dsl, Analyzer terms) throws IOException {
        if (dsl.size() != 1) throw new IllegalStateException("query with " + dsl.size() + " kinds: " + dsl);
        String kind = dsl.keySet().iterator().next();
        JsonObject body = dsl.getAsJsonObject(kind);
        switch (kind) {
            case "term": {
                String field = body.keySet().iterator().next();
                JsonObject p = body.getAsJsonObject(field);
                return boosted(new TermQuery(new Term(field, p.get("value").getAsString())), boost(p));
            }
            case "match_phrase": {
                String field = body.keySet().iterator().next();
                JsonObject p = body.getAsJsonObject(field);
                PhraseQuery.Builder b = new PhraseQuery.Builder();
                try (TokenStream ts = terms.tokenStream(field, p.get("query").getAsString())) {
                    CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
                    PositionIncrementAttribute inc = ts.addAttribute(PositionIncrementAttribute.class);
                    ts.reset();
                    int pos = -1;
                    while (ts.incrementToken()) {
                        pos += inc.getPositionIncrement();
                        b.add(new Term(field, term.toString()), pos);
                    }
                    ts.end();
                }
                if (p.has("slop")) b.setSlop(p.get("slop").getAsInt());
                return boosted(b.build(), boost(p));
            }
            case "bool": {
                BooleanQuery.Builder b = new BooleanQuery.Builder();
                for (String occur : body.keySet()) {
                    BooleanClause.Occur o;
                    switch (occur) {
                        case "must": o = BooleanClause.Occur.MUST; break;
                        case "should": o = BooleanClause.Occur.SHOULD; break;
                        case "must_not": o = BooleanClause.Occur.MUST_NOT; break;
                        case "filter": o = BooleanClause.Occur.FILTER; break;
                        case "boost": continue;
                        default: throw new IllegalStateException("bool." + occur);
                    }
                    for (JsonElement c : body.getAsJsonArray(occur)) b.add(query(c.getAsJsonObject(), terms), o);
                }
                return boosted(b.build(), boost(body));
            }
            case "dis_max": {
                List<Query> qs = new ArrayList<>();
                for (JsonElement c : body.getAsJsonArray("queries")) qs.add(query(c.getAsJsonObject(), terms));
                float tie = body.has("tie_breaker") ? body.get("tie_breaker").getAsFloat() : 0f;
                return boosted(new DisjunctionMaxQuery(qs, tie), boost(body));
            }
            default:
                throw new IllegalStateException("query kind " + kind + " is not read by this check");
        }
    }
}
