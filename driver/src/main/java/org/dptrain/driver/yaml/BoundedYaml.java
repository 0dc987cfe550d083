package org.dptrain.driver.yaml;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.InputStream;
import org.dptrain.json.BadDocumentException;
import org.dptrain.json.BoundedJson;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The one way dptrain reads YAML from a file, bounded like {@link BoundedJson}: nesting at most
 * {@value BoundedJson#MAX_NESTING_DEPTH} levels (Jackson's constraints and SnakeYAML's own
 * limit), at most {@value #MAX_CODE_POINTS} code points, string, key and number lengths as for
 * JSON, a key twice in one mapping an error naming the key and both lines, and no aliases
 * ({@code *name}: Jackson would read one as the string "name", not the value it names). Values are trees of scalars, lists and mappings: tags never
 * construct Java objects (Jackson's YAML parser has no constructor).
 */
public final class BoundedYaml {
  /** Most code points in one YAML document (job files are a few hundred). */
  public static final int MAX_CODE_POINTS = 1 << 20;
  /** Most aliases a document may use. */
  public static final int MAX_ALIASES = 50;
  /** Most bytes read: a code point takes at most 4 in UTF-8. */
  public static final long MAX_BYTES = 4L * MAX_CODE_POINTS;

  private static final YAMLFactory FACTORY = build(false);
  private static final YAMLFactory STRICT_FACTORY = build(true);
  private static final ObjectMapper MAPPER = YAMLMapper.builder(STRICT_FACTORY)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private BoundedYaml() {}

  /** SnakeYAML's limits of this reader (a new copy: LoaderOptions is mutable). */
  public static LoaderOptions loaderOptions() {
    LoaderOptions o = new LoaderOptions();
    o.setNestingDepthLimit(BoundedJson.MAX_NESTING_DEPTH);
    o.setCodePointLimit(MAX_CODE_POINTS);
    o.setMaxAliasesForCollections(MAX_ALIASES);
    o.setAllowRecursiveKeys(false);
    o.setAllowDuplicateKeys(false);
    return o;
  }

  /**
   * A YAML factory with {@link #loaderOptions()}, {@link BoundedJson#constraints()} and
   * {@code STRICT_DUPLICATE_DETECTION}, for code that binds records with Jackson.
   */
  public static YAMLFactory factory() {
    return STRICT_FACTORY;
  }

  /** An ObjectMapper over {@link #factory()} (shared and thread-safe: do not reconfigure it). */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Parses a YAML document into a tree.
   *
   * @param where the file's name in messages
   * @return the document; {@code MissingNode} when it is empty
   * @throws BadDocumentException naming {@code where} and what is wrong: {@code <where> is not
   *     valid YAML: ...}, {@code <where> is refused: <limit>}, {@code <where>: field 'k' appears
   *     twice (lines A and B)}
   */
  public static JsonNode readTree(byte[] bytes, String where) throws BadDocumentException {
    BoundedJson.checkSize(bytes.length, MAX_BYTES, where);
    JsonNode root = BoundedJson.readTree(FACTORY, "YAML", bytes, where);
    refuseAliases(bytes, where);
    return root;
  }

  /** As {@link #readTree(byte[], String)}, reading at most {@value #MAX_BYTES} bytes of {@code in}. */
  public static JsonNode readTree(InputStream in, String where) throws IOException {
    return readTree(BoundedJson.readAtMost(in, MAX_BYTES, where), where);
  }

  /**
   * Jackson's YAML parser gives an alias ({@code *name}) as the string "name", not as the value
   * it names: a job file using one would silently get that string. Refused instead.
   */
  private static void refuseAliases(byte[] bytes, String where) throws BadDocumentException {
    try (YAMLParser p = FACTORY.createParser(bytes)) {
      while (p.nextToken() != null) {
        if (p.isCurrentAlias()) {
          throw new BadDocumentException(where + ": line " + p.currentTokenLocation().getLineNr()
              + ": alias *" + p.getText() + " is not supported; write the value out");
        }
      }
    } catch (BadDocumentException e) {
      throw e;
    } catch (IOException e) {
      // readTree parsed the same bytes without error
      throw new BadDocumentException(where + " is not valid YAML: " + e.getMessage(), e);
    }
  }

  private static YAMLFactory build(boolean strict) {
    var b = YAMLFactory.builder()
        .loaderOptions(loaderOptions())
        .streamReadConstraints(BoundedJson.constraints());
    if (strict) {
      b.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION);
    }
    return b.build();
  }
}
