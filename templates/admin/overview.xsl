<?xml version="1.0" encoding="UTF-8"?>
<!-- overview.xsl: the administration overview (users, organisations, providers, live sessions, services by status) -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Administration")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <div class="page-head">
      <h1><xsl:value-of select='mkt:tr("Administration")'/></h1>
    </div>
    <nav class="card" aria-label='{mkt:tr("Administration")}'>
      <ul class="chips">
        <li><a href="/admin/users"><xsl:value-of select='mkt:tr("Users")'/></a></li>
        <li><a href="/admin/organizations"><xsl:value-of select='mkt:tr("Organisations")'/></a></li>
        <li><a href="/admin/audit"><xsl:value-of select='mkt:tr("Audit log")'/></a></li>
        <li><a href="/admin/approvals"><xsl:value-of select='mkt:tr("Approvals")'/></a></li>
        <li><a href="/admin/policies"><xsl:value-of select='mkt:tr("Policies")'/></a></li>
        <li><a href="/admin/reviews"><xsl:value-of select='mkt:tr("Reviews")'/></a></li>
      </ul>
    </nav>
    <xsl:apply-templates select="overview"/>
  </xsl:template>

  <xsl:template match="overview">
    <dl class="stats">
      <div class="card stat">
        <dt><xsl:value-of select='mkt:tr("Users")'/></dt>
        <dd><xsl:call-template name="number"><xsl:with-param name="value" select="users"/></xsl:call-template></dd>
      </div>
      <div class="card stat">
        <dt><xsl:value-of select='mkt:tr("Organisations")'/></dt>
        <dd><xsl:call-template name="number"><xsl:with-param name="value" select="organizations"/></xsl:call-template></dd>
      </div>
      <div class="card stat">
        <dt><xsl:value-of select='mkt:tr("Providers")'/></dt>
        <dd><xsl:call-template name="number"><xsl:with-param name="value" select="providers"/></xsl:call-template></dd>
      </div>
      <div class="card stat">
        <dt><xsl:value-of select='mkt:tr("Active sessions")'/></dt>
        <dd><xsl:call-template name="number"><xsl:with-param name="value" select="sessions_active"/></xsl:call-template></dd>
      </div>
    </dl>

    <xsl:choose>
      <xsl:when test="services/item">
        <xsl:variable name="total" select="sum(services/item/count[string(number(.)) != 'NaN'])"/>
        <div class="table-wrap" role="region" aria-labelledby="status-caption" tabindex="0">
          <table class="data-table status-table">
            <caption id="status-caption"><xsl:value-of select='mkt:tr("Services by status")'/></caption>
            <thead>
              <tr>
                <th scope="col"><xsl:value-of select='mkt:tr("Status")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Services")'/></th>
                <th scope="col" class="cell-share"><xsl:value-of select='mkt:tr("Share")'/></th>
              </tr>
            </thead>
            <tbody>
              <xsl:for-each select="services/item">
                <tr>
                  <th scope="row">
                    <xsl:call-template name="badge-status"><xsl:with-param name="status" select="status"/></xsl:call-template>
                  </th>
                  <td class="num">
                    <xsl:call-template name="number"><xsl:with-param name="value" select="count"/></xsl:call-template>
                  </td>
                  <td class="cell-share">
                    <!-- The status's share of all services as a bar and a percentage. -->
                    <xsl:choose>
                      <xsl:when test="$total &gt; 0 and number(count) &gt;= 0">
                        <span class="share-line">
                          <meter class="share" min="0" max="{$total}" value="{count}" aria-hidden="true"/>
                          <span class="share-pct">
                            <xsl:choose>
                              <xsl:when test="$lang = 'de'"><xsl:value-of select="format-number(count div $total, '0,0&#160;%', 'de')"/></xsl:when>
                              <xsl:otherwise><xsl:value-of select="format-number(count div $total, '0.0%')"/></xsl:otherwise>
                            </xsl:choose>
                          </span>
                        </span>
                      </xsl:when>
                      <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
                    </xsl:choose>
                  </td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </xsl:when>
      <xsl:otherwise>
        <div class="empty-state">
          <p><xsl:value-of select='mkt:tr("No services are listed yet.")'/></p>
        </div>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
