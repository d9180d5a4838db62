using System.Net;
using System.Text;

namespace DeepCnn.Experiments.Reporting;

/// <summary>
/// A report as a list of blocks, rendered both as Markdown (figures linked as files) and as one
/// self-contained HTML page (figures inlined), so the two always say the same thing.
/// </summary>
internal sealed class ReportDocument
{
    private readonly List<Block> _blocks = [];

    private abstract record Block;

    private sealed record Heading(int Level, string Text) : Block;

    private sealed record Paragraph(string Text) : Block;

    private sealed record Bullets(IReadOnlyList<string> Items) : Block;

    private sealed record Table(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows) : Block;

    private sealed record Figure(string RelativePath, string Caption, string InlineHtml) : Block;

    public ReportDocument H(int level, string text) => Add(new Heading(level, text));

    public ReportDocument P(string text) => Add(new Paragraph(text));

    public ReportDocument List(IEnumerable<string> items) => Add(new Bullets(items.ToList()));

    public ReportDocument Grid(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows) => Add(new Table(header, rows.ToList()));

    /// <summary>A figure: Markdown links <paramref name="relativePath"/>; HTML embeds <paramref name="inlineHtml"/> (an &lt;svg&gt; or &lt;img src="data:..."&gt;).</summary>
    public ReportDocument Image(string relativePath, string caption, string inlineHtml) => Add(new Figure(relativePath, caption, inlineHtml));

    private ReportDocument Add(Block block)
    {
        _blocks.Add(block);
        return this;
    }

    public string ToMarkdown()
    {
        var sb = new StringBuilder();
        foreach (var block in _blocks)
        {
            switch (block)
            {
                case Heading h:
                    sb.Append('#', h.Level).Append(' ').Append(h.Text).Append("\n\n");
                    break;
                case Paragraph p:
                    sb.Append(p.Text).Append("\n\n");
                    break;
                case Bullets b:
                    foreach (var item in b.Items)
                        sb.Append("- ").Append(item).Append('\n');
                    sb.Append('\n');
                    break;
                case Table t:
                    sb.Append("| ").Append(string.Join(" | ", t.Header.Select(Cell))).Append(" |\n");
                    sb.Append('|').Append(string.Join("|", t.Header.Select(_ => " --- "))).Append("|\n");
                    foreach (var row in t.Rows)
                        sb.Append("| ").Append(string.Join(" | ", row.Select(Cell))).Append(" |\n");
                    sb.Append('\n');
                    break;
                case Figure f:
                    sb.Append("![").Append(f.Caption).Append("](").Append(f.RelativePath).Append(")\n\n*").Append(f.Caption).Append("*\n\n");
                    break;
            }
        }
        return sb.ToString();
    }

    public string ToHtml(string title)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>").Append(Encode(title)).Append("</title>\n<style>\n")
          .Append("body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.5}\n")
          .Append("table{border-collapse:collapse;margin:1em 0;font-size:0.9em}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left}th{background:#f3f3f3}\n")
          .Append("figure{margin:1.5em 0}figcaption{font-style:italic;color:#555}svg{max-width:100%;height:auto}code{background:#f3f3f3;padding:0 3px}\n")
          .Append("</style>\n</head>\n<body>\n");
        foreach (var block in _blocks)
        {
            switch (block)
            {
                case Heading h:
                    sb.Append($"<h{h.Level}>").Append(Inline(h.Text)).Append($"</h{h.Level}>\n");
                    break;
                case Paragraph p:
                    sb.Append("<p>").Append(Inline(p.Text)).Append("</p>\n");
                    break;
                case Bullets b:
                    sb.Append("<ul>\n");
                    foreach (var item in b.Items)
                        sb.Append("<li>").Append(Inline(item)).Append("</li>\n");
                    sb.Append("</ul>\n");
                    break;
                case Table t:
                    sb.Append("<table>\n<tr>").Append(string.Concat(t.Header.Select(c => $"<th>{Inline(c)}</th>"))).Append("</tr>\n");
                    foreach (var row in t.Rows)
                        sb.Append("<tr>").Append(string.Concat(row.Select(c => $"<td>{Inline(c)}</td>"))).Append("</tr>\n");
                    sb.Append("</table>\n");
                    break;
                case Figure f:
                    sb.Append("<figure>\n").Append(f.InlineHtml).Append("\n<figcaption>").Append(Inline(f.Caption)).Append("</figcaption>\n</figure>\n");
                    break;
            }
        }
        return sb.Append("</body>\n</html>\n").ToString();
    }

    /// <summary>An SVG document's markup without its XML declaration and doctype, for inlining in HTML.</summary>
    public static string InlineSvg(string svgDocument)
    {
        ArgumentNullException.ThrowIfNull(svgDocument);
        int start = svgDocument.IndexOf("<svg", StringComparison.Ordinal);
        return start < 0 ? svgDocument : svgDocument[start..];
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);

    private static string Encode(string text) => WebUtility.HtmlEncode(text);

    // The little Markdown the report uses inline: **bold** and `code`.
    private static string Inline(string text)
    {
        var encoded = Encode(text);
        encoded = System.Text.RegularExpressions.Regex.Replace(encoded, @"\*\*(.+?)\*\*", "<strong>$1</strong>");
        return System.Text.RegularExpressions.Regex.Replace(encoded, "`(.+?)`", "<code>$1</code>");
    }
}
