<?xml version="1.0" encoding="UTF-8"?>
<!-- usage.xsl: a person's usage and spend over a period: totals, a bar chart of daily spend drawn as SVG on the server, the same numbers as a table, and per-service totals -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Usage and spend")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <xsl:variable name="currency" select="string(currency)"/>
    <div class="page-head">
      <h1><xsl:value-of select='mkt:tr("Usage and spend")'/></h1>
      <form class="inline-form period-form" method="get" action="/usage">
        <label class="check" for="usage-days"><xsl:value-of select='mkt:tr("Period")'/></label>
        <select id="usage-days" name="days">
          <xsl:call-template name="period-option"><xsl:with-param name="n" select="7"/></xsl:call-template>
          <xsl:call-template name="period-option"><xsl:with-param name="n" select="30"/></xsl:call-template>
          <xsl:call-template name="period-option"><xsl:with-param name="n" select="90"/></xsl:call-template>
          <xsl:if test="not(days = 7 or days = 30 or days = 90) and number(days) &gt; 0">
            <xsl:call-template name="period-option"><xsl:with-param name="n" select="number(days)"/></xsl:call-template>
          </xsl:if>
        </select>
        <button type="submit" class="button button-small"><xsl:value-of select='mkt:tr("Show")'/></button>
      </form>
      <p class="page-intro">
        <xsl:value-of select='mkt:tr("What your calls through the gateway used and cost, day by day and per service.")'/>
        <xsl:text> </xsl:text>
        <a href="/subscriptions"><xsl:value-of select='mkt:tr("Your subscriptions")'/></a>
        <span class="sep" aria-hidden="true"> · </span>
        <a href="/keys"><xsl:value-of select='mkt:tr("API keys")'/></a>
      </p>
    </div>

    <dl class="stats">
      <div class="card stat">
        <dt><xsl:value-of select='mkt:tr("Requests")'/></dt>
        <dd><xsl:call-template name="number"><xsl:with-param name="value" select="total/requests"/></xsl:call-template></dd>
      </div>
      <div class="card stat">
        <dt><xsl:value-of select='mkt:tr("Tokens")'/></dt>
        <dd><xsl:call-template name="number"><xsl:with-param name="value" select="total/tokens"/></xsl:call-template></dd>
      </div>
      <div class="card stat">
        <dt><xsl:value-of select='mkt:tr("Spent")'/></dt>
        <dd><xsl:call-template name="money"><xsl:with-param name="value" select="total/cost"/><xsl:with-param name="currency" select="$currency"/></xsl:call-template></dd>
      </div>
    </dl>

    <xsl:call-template name="chart"/>
    <xsl:apply-templates select="services"/>
  </xsl:template>

  <xsl:template name="period-option">
    <xsl:param name="n"/>
    <option value="{$n}">
      <xsl:if test="number(/page/data/days) = $n">
        <xsl:attribute name="selected">selected</xsl:attribute>
      </xsl:if>
      <xsl:value-of select="$n"/>
      <xsl:text> </xsl:text>
      <xsl:value-of select='mkt:tr("days")'/>
    </option>
  </xsl:template>

  <!-- "last 30 days" -->
  <xsl:template name="last-days">
    <xsl:param name="n" select="number(/page/data/days)"/>
    <xsl:value-of select='mkt:tr("last")'/>
    <xsl:text> </xsl:text>
    <xsl:value-of select="$n"/>
    <xsl:text> </xsl:text>
    <xsl:value-of select='mkt:tr("days")'/>
  </xsl:template>

  <!-- ===== Daily spend: an SVG bar chart from the view model's geometry, and its numbers as a table ===== -->
  <xsl:template name="chart">
    <xsl:variable name="w" select="number(chart/width)"/>
    <xsl:variable name="h" select="number(chart/height)"/>
    <xsl:variable name="currency" select="string(currency)"/>
    <xsl:variable name="first" select="string(daily/item[1]/date)"/>
    <xsl:variable name="last" select="string(daily/item[last()]/date)"/>
    <xsl:variable name="period"><xsl:call-template name="last-days"/></xsl:variable>
    <section class="card chart-card" aria-labelledby="chart-h">
      <h2 id="chart-h">
        <xsl:value-of select='mkt:tr("Spend per day")'/>
        <xsl:text>, </xsl:text>
        <xsl:value-of select="$period"/>
      </h2>
      <xsl:if test="not(number(total/requests) &gt; 0)">
        <p class="muted"><xsl:value-of select='mkt:tr("No calls in this period yet.")'/></p>
      </xsl:if>
      <xsl:if test="$w &gt; 0 and $h &gt; 0">
        <svg class="usage-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {$w} {$h}" width="{$w}" height="{$h}"
             role="img" aria-labelledby="chart-title chart-desc" preserveAspectRatio="xMidYMid meet" focusable="false">
          <title id="chart-title">
            <xsl:value-of select='mkt:tr("Spend per day")'/>
            <xsl:text>, </xsl:text>
            <xsl:value-of select="$period"/>
          </title>
          <desc id="chart-desc">
            <xsl:value-of select="concat($first, ' – ', $last)"/>
            <xsl:text>: </xsl:text>
            <xsl:call-template name="money-text"><xsl:with-param name="value" select="total/cost"/><xsl:with-param name="currency" select="$currency"/></xsl:call-template>
            <xsl:text> </xsl:text>
            <xsl:value-of select='mkt:tr("in all")'/>
            <xsl:text>, </xsl:text>
            <xsl:call-template name="number"><xsl:with-param name="value" select="total/requests"/></xsl:call-template>
            <xsl:text> </xsl:text>
            <xsl:value-of select='mkt:tr("requests")'/>
            <xsl:text>; </xsl:text>
            <xsl:value-of select='mkt:tr("the most on one day")'/>
            <xsl:text>: </xsl:text>
            <xsl:call-template name="money-text"><xsl:with-param name="value" select="chart/max_cost"/><xsl:with-param name="currency" select="$currency"/></xsl:call-template>
            <xsl:text>. </xsl:text>
            <xsl:value-of select='mkt:tr("The table below lists every day.")'/>
          </desc>
          <!-- Guide lines at the top (the highest day) and the base. -->
          <line class="chart-grid" x1="0" x2="{$w}" y1="20" y2="20"/>
          <line class="chart-axis" x1="0" x2="{$w}" y1="{$h - 0.5}" y2="{$h - 0.5}"/>
          <xsl:if test="number(chart/max_cost) &gt; 0">
            <text class="chart-label" x="4" y="14">
              <xsl:call-template name="money-text"><xsl:with-param name="value" select="chart/max_cost"/><xsl:with-param name="currency" select="$currency"/></xsl:call-template>
            </text>
          </xsl:if>
          <xsl:for-each select="daily/item">
            <g class="chart-day">
              <!-- The whole column answers the pointer, so that empty days show their tooltip too. -->
              <rect class="chart-hit" x="{bar/x}" y="0" width="{bar/width}" height="{$h}">
                <title><xsl:call-template name="day-text"><xsl:with-param name="currency" select="$currency"/></xsl:call-template></title>
              </rect>
              <rect class="chart-bar" x="{bar/x}" y="{bar/y}" width="{bar/width}" height="{bar/height}">
                <title><xsl:call-template name="day-text"><xsl:with-param name="currency" select="$currency"/></xsl:call-template></title>
              </rect>
            </g>
          </xsl:for-each>
        </svg>
        <p class="chart-range" aria-hidden="true">
          <span><xsl:value-of select="$first"/></span>
          <span><xsl:value-of select="$last"/></span>
        </p>
      </xsl:if>

      <details class="chart-table">
        <summary><xsl:value-of select='mkt:tr("The same numbers as a table")'/></summary>
        <div class="table-wrap" role="region" aria-labelledby="daily-caption" tabindex="0">
          <table class="data-table compact daily-table">
            <caption id="daily-caption">
              <xsl:value-of select='mkt:tr("Spend per day")'/>
              <xsl:text>, </xsl:text>
              <xsl:value-of select="$period"/>
            </caption>
            <thead>
              <tr>
                <th scope="col"><xsl:value-of select='mkt:tr("Date")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Requests")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Tokens")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Spent")'/></th>
              </tr>
            </thead>
            <tbody>
              <xsl:for-each select="daily/item">
                <tr>
                  <th scope="row"><time datetime="{date}"><xsl:value-of select="date"/></time></th>
                  <td class="num"><xsl:call-template name="number"><xsl:with-param name="value" select="requests"/></xsl:call-template></td>
                  <td class="num"><xsl:call-template name="number"><xsl:with-param name="value" select="tokens"/></xsl:call-template></td>
                  <td class="num"><xsl:call-template name="money"><xsl:with-param name="value" select="cost"/><xsl:with-param name="currency" select="$currency"/></xsl:call-template></td>
                </tr>
              </xsl:for-each>
            </tbody>
          </table>
        </div>
      </details>
    </section>
  </xsl:template>

  <!-- "2026-11-03: $0.42, 12 requests" (a bar's tooltip). -->
  <xsl:template name="day-text">
    <xsl:param name="currency"/>
    <xsl:value-of select="date"/>
    <xsl:text>: </xsl:text>
    <xsl:call-template name="money-text"><xsl:with-param name="value" select="cost"/><xsl:with-param name="currency" select="$currency"/></xsl:call-template>
    <xsl:text>, </xsl:text>
    <xsl:call-template name="number"><xsl:with-param name="value" select="requests"/></xsl:call-template>
    <xsl:text> </xsl:text>
    <xsl:value-of select='mkt:tr("requests")'/>
  </xsl:template>

  <!-- Money as plain text (inside SVG, where HTML elements do not belong). -->
  <xsl:template name="money-text">
    <xsl:param name="value"/>
    <xsl:param name="currency" select="'USD'"/>
    <xsl:variable name="m">
      <xsl:call-template name="money"><xsl:with-param name="value" select="$value"/><xsl:with-param name="currency" select="$currency"/></xsl:call-template>
    </xsl:variable>
    <xsl:value-of select="normalize-space($m)"/>
  </xsl:template>

  <!-- ===== Per service ===== -->
  <xsl:template match="services">
    <xsl:variable name="currency" select="string(../currency)"/>
    <xsl:variable name="total" select="number(../total/cost)"/>
    <xsl:choose>
      <xsl:when test="item">
        <div class="table-wrap" role="region" aria-labelledby="per-service-caption" tabindex="0">
          <table class="data-table report-table usage-services">
            <caption id="per-service-caption">
              <xsl:value-of select='mkt:tr("Per service")'/>
              <xsl:text>, </xsl:text>
              <xsl:call-template name="last-days"/>
            </caption>
            <thead>
              <tr>
                <th scope="col"><xsl:value-of select='mkt:tr("Service")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Requests")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Failed")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Tokens")'/></th>
                <th scope="col" class="num"><xsl:value-of select='mkt:tr("Spent")'/></th>
                <th scope="col" class="cell-share"><xsl:value-of select='mkt:tr("Share of the spend")'/></th>
              </tr>
            </thead>
            <tbody>
              <xsl:for-each select="item">
                <tr>
                  <th scope="row"><a class="service-name" href="/services/{slug}"><xsl:value-of select="name"/></a></th>
                  <td class="num"><xsl:call-template name="number"><xsl:with-param name="value" select="requests"/></xsl:call-template></td>
                  <td class="num"><xsl:call-template name="number"><xsl:with-param name="value" select="failed"/></xsl:call-template></td>
                  <td class="num"><xsl:call-template name="number"><xsl:with-param name="value" select="tokens"/></xsl:call-template></td>
                  <td class="num"><xsl:call-template name="money"><xsl:with-param name="value" select="cost"/><xsl:with-param name="currency" select="$currency"/></xsl:call-template></td>
                  <td class="cell-share">
                    <xsl:choose>
                      <xsl:when test="$total &gt; 0 and number(cost) &gt;= 0">
                        <span class="share-line">
                          <meter class="share" min="0" max="{$total}" value="{number(cost)}" aria-hidden="true"/>
                          <span class="share-pct">
                            <xsl:choose>
                              <xsl:when test="$lang = 'de'"><xsl:value-of select="format-number(number(cost) div $total, '0,0&#160;%', 'de')"/></xsl:when>
                              <xsl:otherwise><xsl:value-of select="format-number(number(cost) div $total, '0.0%')"/></xsl:otherwise>
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
          <p><xsl:value-of select='mkt:tr("No service was called in this period.")'/></p>
          <p>
            <xsl:value-of select='mkt:tr("Calls appear here as soon as the gateway has answered them.")'/>
            <xsl:text> </xsl:text>
            <a href="/keys"><xsl:value-of select='mkt:tr("API keys")'/></a>
          </p>
        </div>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>
</xsl:stylesheet>
