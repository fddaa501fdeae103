<?xml version="1.0" encoding="UTF-8"?>
<!-- audit.xsl: the audit log for auditors (filters, entries newest first, pager, a link to verify the chain) -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Audit log")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <div class="page-head">
      <h1><xsl:value-of select='mkt:tr("Audit log")'/></h1>
      <xsl:if test="number(page/total_items) &gt; 0">
        <p class="summary">
          <xsl:value-of select='mkt:tr("Showing")'/>
          <xsl:text> </xsl:text>
          <xsl:call-template name="number"><xsl:with-param name="value" select="page/first_item"/></xsl:call-template>
          <xsl:text>–</xsl:text>
          <xsl:call-template name="number"><xsl:with-param name="value" select="page/last_item"/></xsl:call-template>
          <xsl:text> </xsl:text>
          <xsl:value-of select='mkt:tr("of")'/>
          <xsl:text> </xsl:text>
          <strong><xsl:call-template name="number"><xsl:with-param name="value" select="page/total_items"/></xsl:call-template></strong>
          <xsl:text> </xsl:text>
          <xsl:value-of select='mkt:tr("entries")'/>
        </p>
      </xsl:if>
      <p><a class="button" href="/admin/audit/verify"><xsl:value-of select='mkt:tr("Verify the chain")'/></a></p>
    </div>

    <xsl:apply-templates select="filters" mode="form"/>

    <xsl:choose>
      <xsl:when test="entries/item">
        <div class="table-wrap" role="region" aria-labelledby="audit-caption" tabindex="0">
          <table class="data-table audit-table">
            <caption id="audit-caption" class="visually-hidden"><xsl:value-of select='mkt:tr("Audit log")'/></caption>
            <thead>
              <tr>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Seq")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Time (UTC)")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Actor")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Action")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Resource")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Request ID")'/></th>
                <th scope="col"><xsl:value-of select='mkt:tr("Details")'/></th>
              </tr>
            </thead>
            <tbody>
              <xsl:apply-templates select="entries/item" mode="row"/>
            </tbody>
          </table>
        </div>
      </xsl:when>
      <xsl:otherwise>
        <div class="empty-state">
          <p><xsl:value-of select='mkt:tr("No audit entries match these filters.")'/></p>
          <p><a href="/admin/audit"><xsl:value-of select='mkt:tr("Show all entries")'/></a></p>
        </div>
      </xsl:otherwise>
    </xsl:choose>

    <xsl:call-template name="pager">
      <xsl:with-param name="base" select="'/admin/audit'"/>
    </xsl:call-template>
  </xsl:template>

  <!-- The filter form: plain GET, works without JavaScript. -->
  <xsl:template match="filters" mode="form">
    <form class="filters" method="get" action="/admin/audit">
      <div class="field">
        <label for="f-actor"><xsl:value-of select='mkt:tr("Actor (email or user ID)")'/></label>
        <input id="f-actor" name="actor" type="text" maxlength="254" value="{actor}"/>
      </div>
      <div class="field">
        <label for="f-action"><xsl:value-of select='mkt:tr("Action (ends in . for a prefix)")'/></label>
        <input id="f-action" name="action" type="text" maxlength="100" value="{action}" placeholder="user."/>
      </div>
      <div class="field">
        <label for="f-resource"><xsl:value-of select='mkt:tr("Resource (type or type:id)")'/></label>
        <input id="f-resource" name="resource" type="text" maxlength="300" value="{resource}"/>
      </div>
      <div class="field">
        <label for="f-from"><xsl:value-of select='mkt:tr("From (UTC)")'/></label>
        <input id="f-from" name="from" type="date" value="{from}"/>
      </div>
      <div class="field">
        <label for="f-to"><xsl:value-of select='mkt:tr("To (UTC)")'/></label>
        <input id="f-to" name="to" type="date" value="{to}"/>
      </div>
      <div class="field field-submit">
        <button type="submit" class="button button-primary"><xsl:value-of select='mkt:tr("Apply")'/></button>
      </div>
      <xsl:if test="normalize-space(actor) != '' or normalize-space(action) != '' or normalize-space(resource) != '' or normalize-space(from) != '' or normalize-space(to) != ''">
        <p class="active-filters">
          <a href="/admin/audit"><xsl:value-of select='mkt:tr("Clear filters")'/></a>
        </p>
      </xsl:if>
    </form>
  </xsl:template>

  <!-- Whether personal data of an entry is still held; never its value. -->
  <xsl:template name="pii">
    <xsl:param name="value"/>
    <xsl:choose>
      <xsl:when test="string($value) = 'recorded'"><xsl:value-of select='mkt:tr("recorded")'/></xsl:when>
      <xsl:when test="string($value) = 'erased'"><xsl:value-of select='mkt:tr("erased")'/></xsl:when>
      <xsl:otherwise><xsl:value-of select='mkt:tr("none")'/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="entries/item" mode="row">
    <tr>
      <td class="num" data-label='{mkt:tr("Seq")}'><xsl:value-of select="seq"/></td>
      <td data-label='{mkt:tr("Time (UTC)")}'>
        <time datetime="{at}"><xsl:value-of select="translate(substring(at, 1, 19), 'T', ' ')"/></time>
      </td>
      <td data-label='{mkt:tr("Actor")}'>
        <xsl:choose>
          <xsl:when test="normalize-space(actor/email) != ''"><xsl:value-of select="actor/email"/></xsl:when>
          <xsl:when test="normalize-space(actor/id) != ''"><code><xsl:value-of select="actor/id"/></code></xsl:when>
          <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
        </xsl:choose>
        <br/>
        <span class="unit">
          <xsl:choose>
            <xsl:when test="actor/type = 'user'"><xsl:value-of select='mkt:tr("user")'/></xsl:when>
            <xsl:when test="actor/type = 'api_key'"><xsl:value-of select='mkt:tr("API key")'/></xsl:when>
            <xsl:when test="actor/type = 'system'"><xsl:value-of select='mkt:tr("system")'/></xsl:when>
            <xsl:when test="actor/type = 'anonymous'"><xsl:value-of select='mkt:tr("anonymous")'/></xsl:when>
            <xsl:otherwise><xsl:value-of select="actor/type"/></xsl:otherwise>
          </xsl:choose>
        </span>
      </td>
      <td data-label='{mkt:tr("Action")}'><code><xsl:value-of select="action"/></code></td>
      <td data-label='{mkt:tr("Resource")}'>
        <xsl:choose>
          <xsl:when test="normalize-space(resource_type) != ''">
            <xsl:value-of select="resource_type"/>
            <xsl:if test="normalize-space(resource_id) != ''">
              <br/><code><xsl:value-of select="resource_id"/></code>
            </xsl:if>
          </xsl:when>
          <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
        </xsl:choose>
      </td>
      <td data-label='{mkt:tr("Request ID")}'>
        <xsl:choose>
          <xsl:when test="normalize-space(request_id) != ''"><code><xsl:value-of select="request_id"/></code></xsl:when>
          <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
        </xsl:choose>
      </td>
      <td data-label='{mkt:tr("Details")}'>
        <details>
          <summary><xsl:value-of select='mkt:tr("Show")'/></summary>
          <pre><xsl:value-of select="details"/></pre>
          <dl>
            <dt><xsl:value-of select='mkt:tr("Client address")'/></dt>
            <dd><xsl:call-template name="pii"><xsl:with-param name="value" select="client_addr"/></xsl:call-template></dd>
            <dt><xsl:value-of select='mkt:tr("User agent")'/></dt>
            <dd><xsl:call-template name="pii"><xsl:with-param name="value" select="user_agent"/></xsl:call-template></dd>
          </dl>
        </details>
      </td>
    </tr>
  </xsl:template>

</xsl:stylesheet>
