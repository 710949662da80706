package kz.kazneb.search;

import java.util.Map;

import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.core.WhitespaceTokenizer;
import org.elasticsearch.index.analysis.TokenFilterFactory;
import org.elasticsearch.index.analysis.TokenizerFactory;
import org.elasticsearch.indices.analysis.AnalysisModule.AnalysisProvider;
import org.elasticsearch.plugins.AnalysisPlugin;
import org.elasticsearch.plugins.Plugin;

/**
 * The "whitespace" tokenizer and "lowercase" token filter that the hub's mapping (search/mappings)
 * names. A distribution gets them from its analysis-common module, which is not published to Maven
 * Central; both are the same Lucene classes that module wraps, registered under the same names.
 */
public final class KeysAnalysisPlugin extends Plugin implements AnalysisPlugin {

    @Override
    public Map<String, AnalysisProvider<TokenizerFactory>> getTokenizers() {
        return Map.of("whitespace", (indexSettings, environment, name, settings) ->
                TokenizerFactory.newFactory(name, WhitespaceTokenizer::new));
    }

    @Override
    public Map<String, AnalysisProvider<TokenFilterFactory>> getTokenFilters() {
        return Map.of("lowercase", (indexSettings, environment, name, settings) -> new LowercaseFactory(name));
    }

    private record LowercaseFactory(String name) implements TokenFilterFactory {
        @Override
        public TokenStream create(TokenStream stream) {
            return new LowerCaseFilter(stream);
        }

        @Override
        public TokenStream normalize(TokenStream stream) {
            return new LowerCaseFilter(stream);
        }
    }
}
