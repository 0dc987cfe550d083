package org.dptrain.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The one way dptrain reads JSON from a file: bounded, strict, and naming the file.
 *
 * <ul>
 *   <li>Limits ({@link StreamReadConstraints}): nesting at most {@value #MAX_NESTING_DEPTH}
 *       levels, a document at most {@value #MAX_DOCUMENT_BYTES} bytes, a string at most
 *       {@value #MAX_STRING_LENGTH} characters, a key at most {@value #MAX_NAME_LENGTH}, a number
 *       at most {@value #MAX_NUMBER_LENGTH} digits. dptrain's own files nest a few levels; the
 *       largest (model.json of a wide model with feature scaling, two numbers per feature) stay
 *       far below the size.</li>
 *   <li>A key twice in one object is an error naming the key and both lines (where Jackson's
 *       {@code STRICT_DUPLICATE_DETECTION} knows only the second); content after the top-level
 *       value is an error.</li>
 *   <li>Messages: {@code <where> is not valid JSON: <problem> (line L, column C)}, {@code <where>
 *       is refused: <limit exceeded>}, {@code <where>: field 'k' appears twice (lines A and B)}.</li>
 * </ul>
 *
 * <p>{@link #readTree(byte[], String)} is for JSON; {@link #readTree(JsonFactory, String, byte[],
 * String)} applies the same tree building and messages to a factory of another syntax (the
 * driver's bounded YAML factory). {@link #mapper()} is for code that binds records with Jackson:
 * the same limits, {@code STRICT_DUPLICATE_DETECTION} and trailing tokens refused.
 */
public final class BoundedJson {
  /** Deepest nesting of arrays and objects accepted. */
  public static final int MAX_NESTING_DEPTH = 64;
  /** Largest document accepted, in bytes (256 MiB). */
  public static final long MAX_DOCUMENT_BYTES = 256L << 20;
  /** Longest string value accepted, in characters (1 Mi). */
  public static final int MAX_STRING_LENGTH = 1 << 20;
  /** Longest key accepted, in characters. */
  public static final int MAX_NAME_LENGTH = 1024;
  /** Longest number accepted, in characters (a float64 needs at most 24). */
  public static final int MAX_NUMBER_LENGTH = 100;

  private static final StreamReadConstraints CONSTRAINTS = StreamReadConstraints.builder()
      .maxNestingDepth(MAX_NESTING_DEPTH)
      .maxDocumentLength(MAX_DOCUMENT_BYTES)
      .maxStringLength(MAX_STRING_LENGTH)
      .maxNameLength(MAX_NAME_LENGTH)
      .maxNumberLength(MAX_NUMBER_LENGTH)
      .build();
  /** For the tree reader, which finds duplicate keys itself (naming both lines). */
  private static final JsonFactory TREE_FACTORY =
      JsonFactory.builder().streamReadConstraints(CONSTRAINTS).build();
  private static final JsonFactory STRICT_FACTORY = JsonFactory.builder()
      .streamReadConstraints(CONSTRAINTS)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .build();
  private static final ObjectMapper MAPPER = JsonMapper.builder(STRICT_FACTORY)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private BoundedJson() {}

  /** The limits every dptrain reader applies (also to YAML: the driver's factory uses them). */
  public static StreamReadConstraints constraints() {
    return CONSTRAINTS;
  }

  /** A JSON factory with {@link #constraints()} and {@code STRICT_DUPLICATE_DETECTION}. */
  public static JsonFactory factory() {
    return STRICT_FACTORY;
  }

  /**
   * An ObjectMapper over {@link #factory()} that also refuses trailing tokens, for binding
   * records (shared and thread-safe: do not reconfigure it).
   */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /**
   * Parses a JSON document into a tree.
   *
   * @param where the file's name in messages (a path or URI)
   * @return the top-level value; {@link MissingNode} for an empty document
   * @throws BadDocumentException naming {@code where} and what is wrong
   */
  public static JsonNode readTree(byte[] bytes, String where) throws BadDocumentException {
    return readTree(TREE_FACTORY, "JSON", bytes, where);
  }

  /**
   * Parses a document of {@code factory}'s syntax into a tree with the limits, checks and
   * messages of {@link #readTree(byte[], String)}. The factory should carry
   * {@link #constraints()}; the size limit is applied here whatever it carries.
   *
   * @param syntax the syntax's name in messages ("JSON", "YAML")
   * @throws BadDocumentException naming {@code where} and what is wrong
   */
  public static JsonNode readTree(JsonFactory factory, String syntax, byte[] bytes, String where)
      throws BadDocumentException {
    checkSize(bytes.length, MAX_DOCUMENT_BYTES, where);
    JsonParser p;
    try {
      p = factory.createParser(bytes);
    } catch (IOException e) {
      throw new BadDocumentException(where + " is not valid " + syntax + ": " + e.getMessage(), e);
    }
    try (p) {
      p.disable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
      try {
        JsonToken first = p.nextToken();
        if (first == null) {
          return MissingNode.getInstance();
        }
        JsonNode root = value(p, first, syntax, where);
        if (p.nextToken() != null) {
          throw new BadDocumentException(where + " is not valid " + syntax + ": content after"
              + " the top-level value" + at(p.currentTokenLocation()));
        }
        return root;
      } catch (StreamConstraintsException e) {
        // Jackson reports the limits without a location; the open parser knows where it stopped
        throw new BadDocumentException(where + " is refused: " + limitMessage(e)
            + at(e.getLocation() != null ? e.getLocation() : p.currentLocation()), e);
      }
    } catch (JsonProcessingException e) {
      throw new BadDocumentException(where + " is not valid " + syntax + ": "
          + e.getOriginalMessage() + at(e.getLocation()), e);
    } catch (BadDocumentException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      // a syntax's own parser (SnakeYAML) may throw its exceptions unwrapped
      throw new BadDocumentException(where + " is not valid " + syntax + ": " + e.getMessage(), e);
    }
  }

  /**
   * The bytes of {@code in}, at most {@code maxBytes} of them; the stream is not closed.
   *
   * @throws BadDocumentException if it holds more, naming {@code where}
   */
  public static byte[] readAtMost(InputStream in, long maxBytes, String where) throws IOException {
    int cap = (int) Math.min(maxBytes, Integer.MAX_VALUE - 9);
    // readNBytes grows its buffer as bytes arrive: a short stream never allocates the cap
    byte[] bytes = in.readNBytes(cap + 1);
    if (bytes.length > cap) {
      throw new BadDocumentException(where + " has more than " + cap + " bytes, the most dptrain"
          + " reads");
    }
    return bytes;
  }

  /**
   * Refuses a file of {@code size} bytes above {@code maxBytes} (before reading it, where the size
   * is known).
   *
   * @throws BadDocumentException naming {@code where} and both sizes
   */
  public static void checkSize(long size, long maxBytes, String where)
      throws BadDocumentException {
    if (size > maxBytes) {
      throw new BadDocumentException(where + " has " + size + " bytes, more than the " + maxBytes
          + " dptrain reads");
    }
  }

  private static JsonNode value(JsonParser p, JsonToken t, String syntax, String where)
      throws IOException {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    switch (t) {
      case START_OBJECT: {
        ObjectNode o = nodes.objectNode();
        Map<String, JsonLocation> seen = new HashMap<>();
        for (JsonToken k = p.nextToken(); k == JsonToken.FIELD_NAME; k = p.nextToken()) {
          String name = p.currentName();
          JsonLocation here = p.currentTokenLocation();
          JsonLocation first = seen.putIfAbsent(name, here);
          if (first != null) {
            throw new BadDocumentException(where + ": field '" + name + "' appears twice ("
                + (first.getLineNr() == here.getLineNr()
                    ? "line " + here.getLineNr() + ", columns " + first.getColumnNr() + " and "
                        + here.getColumnNr()
                    : "lines " + first.getLineNr() + " and " + here.getLineNr()) + ")");
          }
          o.set(name, value(p, p.nextToken(), syntax, where));
        }
        return o;
      }
      case START_ARRAY: {
        ArrayNode a = nodes.arrayNode();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          a.add(value(p, e, syntax, where));
        }
        return a;
      }
      case VALUE_STRING:
        return nodes.textNode(p.getText());
      case VALUE_NUMBER_INT:
        return switch (p.getNumberType()) {
          case INT -> nodes.numberNode(p.getIntValue());
          case LONG -> nodes.numberNode(p.getLongValue());
          case BIG_INTEGER -> nodes.numberNode(p.getBigIntegerValue());
          // an integer token is never of these types
          case FLOAT, DOUBLE, BIG_DECIMAL -> throw new BadDocumentException(where + ": number "
              + p.getText() + " is an integer token of type " + p.getNumberType());
        };
      case VALUE_NUMBER_FLOAT:
        return nodes.numberNode(p.getDoubleValue());
      case VALUE_TRUE:
        return nodes.booleanNode(true);
      case VALUE_FALSE:
        return nodes.booleanNode(false);
      case VALUE_NULL:
        return nodes.nullNode();
      default:
        // VALUE_EMBEDDED_OBJECT (YAML's !!binary) and tokens a well-formed stream never gives here
        throw new BadDocumentException(where + " is not valid " + syntax + ": unexpected " + t
            + at(p.currentTokenLocation()));
    }
  }

  /** Jackson's message without its pointer to the constraint's getter. */
  private static String limitMessage(StreamConstraintsException e) {
    return e.getOriginalMessage().replaceAll(", from `[^`]*`", "");
  }

  private static String at(JsonLocation where) {
    if (where == null || where.getLineNr() < 1) {
      return "";
    }
    return " (line " + where.getLineNr() + ", column " + where.getColumnNr() + ")";
  }
}
