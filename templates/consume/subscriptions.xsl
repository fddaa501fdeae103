<?xml version="1.0" encoding="UTF-8"?>
<!-- subscriptions.xsl: a person's subscriptions (their own and their organisation's): plan, limits, this month's use, what is left, cancel -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    exclude-result-prefixes="mkt">

  <xsl:import href="../common/layout.xsl"/>

  <xsl:variable name="csrf">
    <xsl:choose>
      <xsl:when test="normalize-space(/page/data/csrf) != ''"><xsl:value-of select="/page/data/csrf"/></xsl:when>
      <xsl:otherwise><xsl:value-of select="/page/meta/csrf"/></xsl:otherwise>
    </xsl:choose>
  </xsl:variable>

  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("Subscriptions")'/>
  </xsl:template>

  <xsl:template match="data" mode="content">
    <div class="page-head">
      <h1><xsl:value-of select='mkt:tr("Subscriptions")'/></h1>
      <p class="page-intro">
        <xsl:value-of select='mkt:tr("The services you may call, with their plan’s limits and this month’s use.")'/>
        <xsl:text> </xsl:text>
        <a href="/keys"><xsl:value-of select='mkt:tr("API keys")'/></a>
        <span class="sep" aria-hidden="true"> · </span>
        <a href="/usage"><xsl:value-of select='mkt:tr("Usage and spend")'/></a>
      </p>
    </div>

    <xsl:call-template name="notice"/>
    <xsl:apply-templates select="organization[name]"/>

    <xsl:choose>
      <xsl:when test="subscriptions/item">
        <xsl:apply-templates select="subscriptions"/>
      </xsl:when>
      <xsl:otherwise>
        <div class="empty-state">
          <p><xsl:value-of select='mkt:tr("You subscribe to no service yet.")'/></p>
          <p><xsl:value-of select='mkt:tr("Find a service in the catalog and choose one of its plans on its page; then create an API key to call it.")'/></p>
          <a class="button button-primary" href="/services"><xsl:value-of select='mkt:tr("Browse the catalog")'/></a>
        </div>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- What the last form did (fixed words from the address, never free text). -->
  <xsl:template name="notice">
    <xsl:variable name="n" select="string(notice)"/>
    <xsl:if test="$n != ''">
      <p class="callout callout-attention" role="status">
        <xsl:choose>
          <xsl:when test="$n = 'subscribed'">
            <xsl:value-of select='mkt:tr("You are subscribed. Create an API key to call the service.")'/>
            <xsl:text> </xsl:text>
            <a href="/keys"><xsl:value-of select='mkt:tr("Create an API key")'/></a>
          </xsl:when>
          <xsl:when test="$n = 'pending'">
            <xsl:value-of select='mkt:tr("Your subscription waits for the provider’s approval; calls are accepted once it is approved.")'/>
          </xsl:when>
          <xsl:when test="$n = 'cancelled'">
            <xsl:value-of select='mkt:tr("The subscription has been cancelled.")'/>
          </xsl:when>
          <xsl:when test="$n = 'approved'">
            <xsl:value-of select='mkt:tr("The subscription has been approved.")'/>
          </xsl:when>
          <xsl:when test="$n = 'rejected'">
            <xsl:value-of select='mkt:tr("The subscription has been rejected.")'/>
          </xsl:when>
        </xsl:choose>
      </p>
    </xsl:if>
  </xsl:template>

  <!-- The organisation's monthly budget: spent and held by calls in flight. -->
  <xsl:template match="organization">
    <section class="card budget-card" aria-labelledby="budget-h">
      <h2 id="budget-h">
        <xsl:value-of select='mkt:tr("Budget of your organisation")'/>
        <xsl:text>: </xsl:text>
        <xsl:value-of select="name"/>
      </h2>
      <dl class="inline-facts">
        <div>
          <dt><xsl:value-of select='mkt:tr("Monthly budget")'/></dt>
          <dd>
            <xsl:choose>
              <xsl:when test="normalize-space(monthly_budget) != ''">
                <xsl:call-template name="money"><xsl:with-param name="value" select="monthly_budget"/></xsl:call-template>
              </xsl:when>
              <xsl:otherwise><xsl:value-of select='mkt:tr("none set")'/></xsl:otherwise>
            </xsl:choose>
          </dd>
        </div>
        <div>
          <dt><xsl:value-of select='mkt:tr("Spent this month")'/></dt>
          <dd><xsl:call-template name="money"><xsl:with-param name="value" select="spent"/></xsl:call-template></dd>
        </div>
        <xsl:if test="number(reserved) &gt; 0">
          <div>
            <dt><xsl:value-of select='mkt:tr("Held by calls in progress")'/></dt>
            <dd><xsl:call-template name="money"><xsl:with-param name="value" select="reserved"/></xsl:call-template></dd>
          </div>
        </xsl:if>
      </dl>
      <xsl:if test="number(monthly_budget) &gt; 0">
        <xsl:call-template name="left">
          <xsl:with-param name="used" select="number(spent) + number(reserved)"/>
          <xsl:with-param name="limit" select="number(monthly_budget)"/>
          <xsl:with-param name="label" select='mkt:tr("of the budget used")'/>
        </xsl:call-template>
      </xsl:if>
    </section>
  </xsl:template>

  <xsl:template match="subscriptions">
    <div class="table-wrap" role="region" aria-labelledby="subs-caption" tabindex="0">
      <table class="data-table subs-table">
        <caption id="subs-caption">
          <xsl:value-of select='mkt:tr("Your subscriptions")'/>
          <xsl:text> </xsl:text>
          <span class="caption-count">(<xsl:value-of select="count(item)"/>)</span>
        </caption>
        <thead>
          <tr>
            <th scope="col"><xsl:value-of select='mkt:tr("Service")'/></th>
            <th scope="col"><xsl:value-of select='mkt:tr("Plan")'/></th>
            <th scope="col"><xsl:value-of select='mkt:tr("Status")'/></th>
            <th scope="col"><xsl:value-of select='mkt:tr("This month")'/></th>
            <th scope="col" class="cell-left"><xsl:value-of select='mkt:tr("Left this month")'/></th>
            <th scope="col"><xsl:value-of select='mkt:tr("Actions")'/></th>
          </tr>
        </thead>
        <tbody>
          <xsl:apply-templates select="item" mode="subscription"/>
        </tbody>
      </table>
    </div>
  </xsl:template>

  <xsl:template match="item" mode="subscription">
    <xsl:variable name="row" select="concat('sub-', id)"/>
    <xsl:variable name="currency" select="string(plan/currency)"/>
    <tr id="{$row}">
      <xsl:if test="status = 'cancelled' or status = 'rejected'">
        <xsl:attribute name="class">is-inactive</xsl:attribute>
      </xsl:if>
      <th scope="row">
        <a class="service-name" id="{$row}-name" href="/services/{service/slug}"><xsl:value-of select="service/name"/></a>
        <span class="provider">
          <xsl:choose>
            <xsl:when test="for_organization = 'true'"><xsl:value-of select='mkt:tr("for your organisation")'/></xsl:when>
            <xsl:otherwise><xsl:value-of select='mkt:tr("for you")'/></xsl:otherwise>
          </xsl:choose>
        </span>
      </th>
      <td>
        <span class="plan-name"><xsl:value-of select="plan/name"/></span>
        <xsl:call-template name="plan-limits"><xsl:with-param name="plan" select="plan"/></xsl:call-template>
      </td>
      <td>
        <xsl:call-template name="badge-subscription"/>
        <xsl:if test="normalize-space(reason) != ''">
          <span class="provider approval-reason"><xsl:value-of select="reason"/></span>
        </xsl:if>
      </td>
      <td>
        <ul class="plain-list">
          <li>
            <xsl:call-template name="number"><xsl:with-param name="value" select="month/requests"/></xsl:call-template>
            <xsl:text> </xsl:text>
            <xsl:value-of select='mkt:tr("requests")'/>
          </li>
          <li>
            <xsl:call-template name="number"><xsl:with-param name="value" select="month/tokens"/></xsl:call-template>
            <xsl:text> </xsl:text>
            <xsl:value-of select='mkt:tr("tokens")'/>
          </li>
          <li>
            <xsl:call-template name="money">
              <xsl:with-param name="value" select="month/spent"/>
              <xsl:with-param name="currency" select="$currency"/>
            </xsl:call-template>
            <xsl:text> </xsl:text>
            <xsl:value-of select='mkt:tr("spent")'/>
          </li>
        </ul>
      </td>
      <td class="cell-left">
        <xsl:choose>
          <xsl:when test="status = 'active' or status = 'pending'">
            <xsl:call-template name="remaining">
              <xsl:with-param name="left" select="remaining/requests"/>
              <xsl:with-param name="limit" select="plan/monthly_requests"/>
              <xsl:with-param name="unit" select='mkt:tr("requests")'/>
            </xsl:call-template>
            <xsl:call-template name="remaining">
              <xsl:with-param name="left" select="remaining/tokens"/>
              <xsl:with-param name="limit" select="plan/monthly_tokens"/>
              <xsl:with-param name="unit" select='mkt:tr("tokens")'/>
            </xsl:call-template>
            <xsl:call-template name="remaining">
              <xsl:with-param name="left" select="remaining/budget"/>
              <xsl:with-param name="limit" select="plan/monthly_budget"/>
              <xsl:with-param name="unit" select='mkt:tr("budget")'/>
              <xsl:with-param name="money" select="true()"/>
              <xsl:with-param name="currency" select="$currency"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
        </xsl:choose>
      </td>
      <td class="cell-actions">
        <!-- Only the person who subscribed may cancel ("mine" when the view model says). -->
        <xsl:choose>
          <xsl:when test="(status = 'active' or status = 'pending') and not(mine = 'false')">
            <form method="post" action="/subscriptions/{id}/cancel" class="inline-form">
              <input type="hidden" name="csrf" value="{$csrf}"/>
              <button type="submit" class="button button-small button-danger" aria-describedby="{$row}-name">
                <xsl:value-of select='mkt:tr("Cancel subscription")'/>
              </button>
            </form>
          </xsl:when>
          <xsl:otherwise><xsl:call-template name="none"/></xsl:otherwise>
        </xsl:choose>
      </td>
    </tr>
  </xsl:template>

  <!-- The plan's limits, one a line; those it does not set are left out. -->
  <xsl:template name="plan-limits">
    <xsl:param name="plan"/>
    <ul class="plain-list plan-limits">
      <xsl:if test="normalize-space($plan/requests_per_minute) != ''">
        <li>
          <xsl:call-template name="number"><xsl:with-param name="value" select="$plan/requests_per_minute"/></xsl:call-template>
          <xsl:text> </xsl:text>
          <xsl:value-of select='mkt:tr("requests per minute")'/>
        </li>
      </xsl:if>
      <xsl:if test="normalize-space($plan/tokens_per_minute) != ''">
        <li>
          <xsl:call-template name="number"><xsl:with-param name="value" select="$plan/tokens_per_minute"/></xsl:call-template>
          <xsl:text> </xsl:text>
          <xsl:value-of select='mkt:tr("tokens per minute")'/>
        </li>
      </xsl:if>
      <xsl:if test="normalize-space($plan/monthly_budget) != ''">
        <li>
          <xsl:call-template name="money">
            <xsl:with-param name="value" select="$plan/monthly_budget"/>
            <xsl:with-param name="currency" select="string($plan/currency)"/>
          </xsl:call-template>
          <xsl:text> </xsl:text>
          <xsl:value-of select='mkt:tr("per month at most")'/>
        </li>
      </xsl:if>
    </ul>
  </xsl:template>

  <!-- "877 left of 1,000 requests" with a meter of what is used; "no monthly limit" without a limit. -->
  <xsl:template name="remaining">
    <xsl:param name="left"/>
    <xsl:param name="limit"/>
    <xsl:param name="unit"/>
    <xsl:param name="money" select="false()"/>
    <xsl:param name="currency" select="'USD'"/>
    <div class="left-line">
      <xsl:choose>
        <xsl:when test="normalize-space($limit) = '' or string(number($limit)) = 'NaN'">
          <span class="muted">
            <xsl:value-of select="$unit"/>
            <xsl:text>: </xsl:text>
            <xsl:value-of select='mkt:tr("no monthly limit")'/>
          </span>
        </xsl:when>
        <xsl:otherwise>
          <xsl:variable name="l">
            <xsl:choose>
              <xsl:when test="number($left) &lt; 0">0</xsl:when>
              <xsl:when test="string(number($left)) = 'NaN'"><xsl:value-of select="$limit"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="$left"/></xsl:otherwise>
            </xsl:choose>
          </xsl:variable>
          <span class="left-text">
            <xsl:choose>
              <xsl:when test="$money">
                <xsl:call-template name="money"><xsl:with-param name="value" select="$l"/><xsl:with-param name="currency" select="$currency"/></xsl:call-template>
                <xsl:text> </xsl:text>
                <xsl:value-of select='mkt:tr("left of")'/>
                <xsl:text> </xsl:text>
                <xsl:call-template name="money"><xsl:with-param name="value" select="$limit"/><xsl:with-param name="currency" select="$currency"/></xsl:call-template>
              </xsl:when>
              <xsl:otherwise>
                <xsl:call-template name="number"><xsl:with-param name="value" select="$l"/></xsl:call-template>
                <xsl:text> </xsl:text>
                <xsl:value-of select='mkt:tr("left of")'/>
                <xsl:text> </xsl:text>
                <xsl:call-template name="number"><xsl:with-param name="value" select="$limit"/></xsl:call-template>
              </xsl:otherwise>
            </xsl:choose>
            <xsl:text> </xsl:text>
            <xsl:value-of select="$unit"/>
          </span>
          <meter class="share" min="0" max="{number($limit)}" low="{number($limit) * 0.75}" high="{number($limit) * 0.9}"
                 optimum="0" value="{number($limit) - number($l)}" aria-hidden="true"/>
        </xsl:otherwise>
      </xsl:choose>
    </div>
  </xsl:template>

  <!-- The share used of a limit, as a meter and a percentage. -->
  <xsl:template name="left">
    <xsl:param name="used"/>
    <xsl:param name="limit"/>
    <xsl:param name="label"/>
    <span class="share-line">
      <meter class="share" min="0" max="{$limit}" low="{$limit * 0.75}" high="{$limit * 0.9}" optimum="0" value="{$used}" aria-hidden="true"/>
      <span class="share-pct">
        <xsl:choose>
          <xsl:when test="$lang = 'de'"><xsl:value-of select="format-number($used div $limit, '0&#160;%', 'de')"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="format-number($used div $limit, '0%')"/></xsl:otherwise>
        </xsl:choose>
        <xsl:text> </xsl:text>
        <xsl:value-of select="$label"/>
      </span>
    </span>
  </xsl:template>
</xsl:stylesheet>
