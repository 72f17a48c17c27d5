namespace Detente.Patterns.Telemetry;

/// <summary>The built-in mappings, written in the mapping file format (<see cref="FlatLogMapping"/>) so they double as examples.</summary>
internal static class BuiltInMappings
{
    /// <summary>Zeek JSON logs: conn, dns, http, files, ssl.</summary>
    public const string Zeek = """
        {
          "name": "zeek",
          "timestamp": ["ts"],
          "fields": {
            "id.orig_h": "network-traffic:src_ref.value",
            "id.resp_h": "network-traffic:dst_ref.value",
            "id.orig_p": "network-traffic:src_port",
            "id.resp_p": "network-traffic:dst_port",
            "proto": "network-traffic:protocols[*]",
            "query": "domain-name:value",
            "host": "domain-name:value",
            "server_name": "domain-name:value",
            "md5": "file:hashes.MD5",
            "sha1": "file:hashes.'SHA-1'",
            "sha256": "file:hashes.'SHA-256'",
            "filename": "file:name"
          },
          "urls": [ { "scheme": "http", "host": "host", "path": "uri" } ]
        }
        """;

    /// <summary>Suricata EVE JSON: flow, dns (v1 and v2), http, fileinfo, tls, alert and every other event type.</summary>
    public const string Eve = """
        {
          "name": "eve",
          "timestamp": ["timestamp"],
          "fields": {
            "src_ip": "network-traffic:src_ref.value",
            "dest_ip": "network-traffic:dst_ref.value",
            "src_port": "network-traffic:src_port",
            "dest_port": "network-traffic:dst_port",
            "proto": "network-traffic:protocols[*]",
            "dns.rrname": "domain-name:value",
            "dns.queries[*].rrname": "domain-name:value",
            "http.hostname": "domain-name:value",
            "tls.sni": "domain-name:value",
            "fileinfo.md5": "file:hashes.MD5",
            "fileinfo.sha1": "file:hashes.'SHA-1'",
            "fileinfo.sha256": "file:hashes.'SHA-256'",
            "fileinfo.filename": "file:name"
          },
          "urls": [ { "scheme": "http", "host": "http.hostname", "path": "http.url" } ]
        }
        """;

    /// <summary>Generic JSON lines with common flat field names.</summary>
    public const string JsonLines = """
        {
          "name": "jsonl",
          "timestamp": ["timestamp", "@timestamp", "ts", "time"],
          "fields": {
            "src_ip": "network-traffic:src_ref.value",
            "dest_ip": "network-traffic:dst_ref.value",
            "dst_ip": "network-traffic:dst_ref.value",
            "src_port": "network-traffic:src_port",
            "dest_port": "network-traffic:dst_port",
            "dst_port": "network-traffic:dst_port",
            "proto": "network-traffic:protocols[*]",
            "protocol": "network-traffic:protocols[*]",
            "domain": "domain-name:value",
            "query": "domain-name:value",
            "url": "url:value",
            "md5": "file:hashes.MD5",
            "sha1": "file:hashes.'SHA-1'",
            "sha256": "file:hashes.'SHA-256'",
            "filename": "file:name"
          }
        }
        """;
}
