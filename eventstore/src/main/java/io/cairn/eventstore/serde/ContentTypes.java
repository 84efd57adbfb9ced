package io.cairn.eventstore.serde;

/** The content types Cairn's codecs write in the {@value EventMetadata#CONTENT_TYPE_HEADER} header. */
public final class ContentTypes {

  /** A JSON document (Jackson). */
  public static final String JSON = "application/json";
  /** Avro binary encoding of one datum, without a container file header. */
  public static final String AVRO = "application/avro";

  private ContentTypes() {
  }
}
