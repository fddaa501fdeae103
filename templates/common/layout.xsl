<?xml version="1.0" encoding="UTF-8"?>
<!-- layout.xsl: the shared page frame (head, header, nav, footer) and reusable formatting templates -->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:mkt="urn:llm-marketplace:xslt"
    xmlns:str="http://exslt.org/strings"
    exclude-result-prefixes="mkt str">

  <xsl:output method="html" encoding="UTF-8" indent="no" doctype-system="about:legacy-compat"/>
  <xsl:strip-space elements="*"/>
  <xsl:decimal-format name="de" decimal-separator="," grouping-separator="."/>

  <xsl:variable name="meta" select="/page/meta"/>
  <xsl:variable name="lang" select="string(/page/meta/lang)"/>
  <xsl:variable name="static" select="string(/page/meta/static)"/>

  <!-- Each page stylesheet overrides this. -->
  <xsl:template name="page-title">
    <xsl:value-of select='mkt:tr("LLM Marketplace")'/>
  </xsl:template>

  <xsl:template match="/">
    <xsl:variable name="product" select='mkt:tr("LLM Marketplace")'/>
    <xsl:variable name="title"><xsl:call-template name="page-title"/></xsl:variable>
    <html lang="{$lang}">
      <head>
        <!-- The charset declaration: libxslt's HTML serializer always ensures an http-equiv
             Content-Type meta, so we write that form (a <meta charset> would be duplicated). -->
        <meta http-equiv="Content-Type" content="text/html; charset=UTF-8"/>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <title>
          <xsl:value-of select="$title"/>
          <xsl:if test="$title != $product">
            <xsl:value-of select="concat(' · ', $product)"/>
          </xsl:if>
        </title>
        <link rel="stylesheet" href="{$static}/css/market.css?v={$meta/asset-version}"/>
        <link rel="icon" type="image/svg+xml" href="{$static}/img/logo.svg"/>
        <xsl:if test="string($meta/api) != ''">
          <link rel="alternate" type="application/json" href="{$meta/api}"/>
        </xsl:if>
      </head>
      <body>
        <a class="skip-link" href="#main"><xsl:value-of select='mkt:tr("Skip to content")'/></a>
        <xsl:call-template name="site-header"/>
        <main id="main" class="container" tabindex="-1">
          <xsl:apply-templates select="/page/data" mode="content"/>
        </main>
        <xsl:call-template name="site-footer"/>
      </body>
    </html>
  </xsl:template>

  <xsl:template name="site-header">
    <header class="site-header">
      <!-- is-signed-in / is-signed-out let the stylesheet arrange the header around the user area -->
      <xsl:variable name="account-state">
        <xsl:choose>
          <xsl:when test="/page/meta/user"> is-signed-in</xsl:when>
          <xsl:when test="string($meta/path) != '/login'"> is-signed-out</xsl:when>
        </xsl:choose>
      </xsl:variable>
      <div class="container header-inner{$account-state}">
        <a class="brand" href="/services">
          <img class="brand-logo" src="{$static}/img/logo.svg" width="32" height="32" alt=""/>
          <span class="brand-name"><xsl:value-of select='mkt:tr("LLM Marketplace")'/></span>
        </a>
        <nav class="primary-nav" aria-label='{mkt:tr("Main")}'>
          <ul>
            <xsl:call-template name="nav-item">
              <xsl:with-param name="href" select="'/services'"/>
              <xsl:with-param name="section" select="'services'"/>
              <xsl:with-param name="label" select='mkt:tr("Catalog")'/>
            </xsl:call-template>
            <xsl:call-template name="nav-item">
              <xsl:with-param name="href" select="'/publish'"/>
              <xsl:with-param name="section" select="'publish'"/>
              <xsl:with-param name="label" select='mkt:tr("Publish")'/>
            </xsl:call-template>
            <!-- What a signed-in consumer has: subscriptions, keys, usage. -->
            <xsl:if test="/page/meta/user">
              <xsl:call-template name="nav-item">
                <xsl:with-param name="href" select="'/subscriptions'"/>
                <xsl:with-param name="section" select="'subscriptions'"/>
                <xsl:with-param name="label" select='mkt:tr("Subscriptions")'/>
              </xsl:call-template>
            </xsl:if>
            <xsl:call-template name="nav-item">
              <xsl:with-param name="href" select="'/keys'"/>
              <xsl:with-param name="section" select="'keys'"/>
              <xsl:with-param name="label" select='mkt:tr("API keys")'/>
            </xsl:call-template>
            <xsl:if test="/page/meta/user">
              <xsl:call-template name="nav-item">
                <xsl:with-param name="href" select="'/usage'"/>
                <xsl:with-param name="section" select="'usage'"/>
                <xsl:with-param name="label" select='mkt:tr("Usage")'/>
              </xsl:call-template>
            </xsl:if>
            <xsl:call-template name="nav-item">
              <xsl:with-param name="href" select="'/admin'"/>
              <xsl:with-param name="section" select="'admin'"/>
              <xsl:with-param name="label" select='mkt:tr("Admin")'/>
            </xsl:call-template>
            <xsl:call-template name="nav-item">
              <xsl:with-param name="href" select="'/reports'"/>
              <xsl:with-param name="section" select="'reports'"/>
              <xsl:with-param name="label" select='mkt:tr("Reports")'/>
            </xsl:call-template>
          </ul>
        </nav>
        <form class="site-search" role="search" method="get" action="/services">
          <label class="visually-hidden" for="site-q"><xsl:value-of select='mkt:tr("Search services")'/></label>
          <input id="site-q" type="search" name="q" value="{/page/data/filters/q}"
                 placeholder='{mkt:tr("Search models and providers")}'/>
          <button type="submit" class="button"><xsl:value-of select='mkt:tr("Search")'/></button>
        </form>
        <nav class="lang-switch" aria-label='{mkt:tr("Language")}'>
          <ul>
            <xsl:call-template name="lang-item">
              <xsl:with-param name="code" select="'en'"/>
              <xsl:with-param name="label" select='mkt:tr("English")'/>
            </xsl:call-template>
            <xsl:call-template name="lang-item">
              <xsl:with-param name="code" select="'de'"/>
              <xsl:with-param name="label" select='mkt:tr("Deutsch")'/>
            </xsl:call-template>
          </ul>
        </nav>
        <xsl:call-template name="user-area"/>
      </div>
    </header>
  </xsl:template>

  <!-- The signed-in user (a link to the account page and a sign-out form), or a sign-in link that
       comes back to this page (none on the sign-in page itself). -->
  <xsl:template name="user-area">
    <xsl:variable name="user" select="/page/meta/user"/>
    <xsl:choose>
      <xsl:when test="$user">
        <xsl:variable name="display">
          <xsl:choose>
            <xsl:when test="normalize-space($user/name) != ''"><xsl:value-of select="normalize-space($user/name)"/></xsl:when>
            <xsl:when test="normalize-space($user/email) != ''"><xsl:value-of select="normalize-space($user/email)"/></xsl:when>
            <xsl:otherwise><xsl:value-of select='mkt:tr("My account")'/></xsl:otherwise>
          </xsl:choose>
        </xsl:variable>
        <div class="user-area">
          <a class="user-name" href="/account" title="{$display}">
            <xsl:if test="string($meta/path) = '/account'">
              <xsl:attribute name="aria-current">page</xsl:attribute>
            </xsl:if>
            <span class="user-avatar" aria-hidden="true">
              <xsl:value-of select="translate(substring($display, 1, 1), 'abcdefghijklmnopqrstuvwxyz', 'ABCDEFGHIJKLMNOPQRSTUVWXYZ')"/>
            </span>
            <span class="user-label"><xsl:value-of select="$display"/></span>
          </a>
          <form class="signout" method="post" action="/logout">
            <input type="hidden" name="csrf" value="{/page/meta/csrf}"/>
            <button type="submit" class="button-link"><xsl:value-of select='mkt:tr("Sign out")'/></button>
          </form>
        </div>
      </xsl:when>
      <xsl:when test="string($meta/path) != '/login'">
        <div class="user-area">
          <a class="signin-link">
            <xsl:attribute name="href">
              <xsl:text>/login</xsl:text>
              <xsl:if test="normalize-space($meta/path) != ''">
                <xsl:text>?next=</xsl:text>
                <xsl:call-template name="url-encode"><xsl:with-param name="value" select="$meta/path"/></xsl:call-template>
              </xsl:if>
            </xsl:attribute>
            <xsl:value-of select='mkt:tr("Sign in")'/>
          </a>
        </div>
      </xsl:when>
    </xsl:choose>
  </xsl:template>

  <xsl:template name="nav-item">
    <xsl:param name="href"/>
    <xsl:param name="section"/>
    <xsl:param name="label"/>
    <li>
      <a href="{$href}">
        <xsl:if test="$section = string($meta/section)">
          <xsl:attribute name="aria-current">page</xsl:attribute>
        </xsl:if>
        <xsl:value-of select="$label"/>
      </a>
    </li>
  </xsl:template>

  <xsl:template name="lang-item">
    <xsl:param name="code"/>
    <xsl:param name="label"/>
    <li>
      <!-- the same page in the other language, its query kept -->
      <xsl:variable name="keep" select="string(/page/meta/lang-query)"/>
      <a href="?{$keep}{substring('&amp;', 1, string-length($keep))}lang={$code}" hreflang="{$code}" lang="{$code}">
        <xsl:if test="$code = $lang">
          <xsl:attribute name="aria-current">true</xsl:attribute>
        </xsl:if>
        <xsl:value-of select="$label"/>
      </a>
    </li>
  </xsl:template>

  <xsl:template name="site-footer">
    <footer class="site-footer">
      <div class="container footer-inner">
        <p class="footer-line"><xsl:value-of select='mkt:tr("LLM Marketplace — the enterprise catalog of LLM services")'/></p>
        <xsl:if test="string($meta/api) != ''">
          <p><a class="footer-api" href="{$meta/api}" type="application/json"><xsl:value-of select='mkt:tr("This page as JSON")'/></a></p>
        </xsl:if>
        <xsl:if test="string($meta/request-id) != ''">
          <p class="request-id"><small>
            <xsl:value-of select='mkt:tr("Request ID")'/>
            <xsl:text>: </xsl:text>
            <code><xsl:value-of select="$meta/request-id"/></code>
          </small></p>
        </xsl:if>
      </div>
    </footer>
  </xsl:template>

  <!-- ===== Reusable formatting templates ===== -->

  <!-- An empty cell marker with a tooltip. -->
  <xsl:template name="none">
    <xsl:param name="title"/>
    <span class="none">
      <xsl:if test="string($title) != ''">
        <xsl:attribute name="title"><xsl:value-of select="$title"/></xsl:attribute>
      </xsl:if>
      <xsl:text>—</xsl:text>
    </span>
  </xsl:template>

  <!-- Decimal text such as "2.50" shown as "$2.50"; empty or null shows an em dash. -->
  <xsl:template name="price">
    <xsl:param name="value"/>
    <xsl:param name="currency" select="'USD'"/>
    <xsl:choose>
      <xsl:when test="normalize-space($value) = ''">
        <xsl:call-template name="none">
          <xsl:with-param name="title" select='mkt:tr("not priced")'/>
        </xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <span class="price">
          <xsl:choose>
            <xsl:when test="$currency = 'USD' or $currency = ''">$</xsl:when>
            <xsl:when test="$currency = 'EUR'">€</xsl:when>
            <xsl:when test="$currency = 'GBP'">£</xsl:when>
            <xsl:otherwise><xsl:value-of select="concat($currency, ' ')"/></xsl:otherwise>
          </xsl:choose>
          <xsl:value-of select="normalize-space($value)"/>
        </span>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- An amount of money such as "12.5" as "$12.50" (German "$12,50"), two to four decimals;
       empty or null shows an em dash. -->
  <xsl:template name="money">
    <xsl:param name="value"/>
    <xsl:param name="currency" select="'USD'"/>
    <xsl:choose>
      <xsl:when test="string(number($value)) = 'NaN'">
        <xsl:call-template name="price"><xsl:with-param name="value" select="$value"/><xsl:with-param name="currency" select="$currency"/></xsl:call-template>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="price">
          <xsl:with-param name="currency" select="$currency"/>
          <xsl:with-param name="value">
            <xsl:choose>
              <xsl:when test="$lang = 'de'"><xsl:value-of select="format-number($value, '#.##0,00##', 'de')"/></xsl:when>
              <xsl:otherwise><xsl:value-of select="format-number($value, '#,##0.00##')"/></xsl:otherwise>
            </xsl:choose>
          </xsl:with-param>
        </xsl:call-template>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- An integer with thousands separators for the page language. -->
  <xsl:template name="number">
    <xsl:param name="value"/>
    <xsl:choose>
      <xsl:when test="normalize-space($value) = ''">
        <xsl:call-template name="none">
          <xsl:with-param name="title" select='mkt:tr("unknown")'/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="string(number($value)) = 'NaN'">
        <xsl:value-of select="$value"/>
      </xsl:when>
      <xsl:when test="$lang = 'de'">
        <xsl:value-of select="format-number($value, '#.##0', 'de')"/>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="format-number($value, '#,##0')"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A status value as a coloured, translated badge. -->
  <xsl:template name="badge-status">
    <xsl:param name="status" select="status"/>
    <xsl:variable name="s" select="string($status)"/>
    <xsl:variable name="known" select="contains(' active deprecated pending_approval suspended retired failed_validation ', concat(' ', $s, ' '))"/>
    <span class="badge badge-unknown">
      <xsl:if test="$known and $s != ''">
        <xsl:attribute name="class"><xsl:value-of select="concat('badge badge-', $s)"/></xsl:attribute>
      </xsl:if>
      <xsl:choose>
        <xsl:when test="$s = 'active'"><xsl:value-of select='mkt:tr("Active")'/></xsl:when>
        <xsl:when test="$s = 'deprecated'"><xsl:value-of select='mkt:tr("Deprecated")'/></xsl:when>
        <xsl:when test="$s = 'pending_approval'"><xsl:value-of select='mkt:tr("Pending approval")'/></xsl:when>
        <xsl:when test="$s = 'suspended'"><xsl:value-of select='mkt:tr("Suspended")'/></xsl:when>
        <xsl:when test="$s = 'retired'"><xsl:value-of select='mkt:tr("Retired")'/></xsl:when>
        <xsl:when test="$s = 'failed_validation'"><xsl:value-of select='mkt:tr("Failed validation")'/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$s"/></xsl:otherwise>
      </xsl:choose>
    </span>
  </xsl:template>

  <!-- A subscription's status as a badge: active, waiting for approval, rejected, cancelled, suspended. -->
  <xsl:template name="badge-subscription">
    <xsl:param name="status" select="status"/>
    <xsl:variable name="s" select="string($status)"/>
    <xsl:choose>
      <xsl:when test="$s = 'active'"><span class="badge badge-active"><xsl:value-of select='mkt:tr("Active")'/></span></xsl:when>
      <xsl:when test="$s = 'pending'"><span class="badge badge-pending_approval"><xsl:value-of select='mkt:tr("Waiting for approval")'/></span></xsl:when>
      <xsl:when test="$s = 'rejected'"><span class="badge badge-rejected"><xsl:value-of select='mkt:tr("Rejected")'/></span></xsl:when>
      <xsl:when test="$s = 'cancelled'"><span class="badge badge-retired"><xsl:value-of select='mkt:tr("Cancelled")'/></span></xsl:when>
      <xsl:when test="$s = 'suspended'"><span class="badge badge-suspended"><xsl:value-of select='mkt:tr("Suspended")'/></span></xsl:when>
      <xsl:otherwise><span class="badge badge-unknown"><xsl:value-of select="$s"/></span></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- An ISO timestamp shown as its date (YYYY-MM-DD); null shows an em dash. -->
  <xsl:template name="date">
    <xsl:param name="value"/>
    <xsl:param name="none" select='mkt:tr("not set")'/>
    <xsl:choose>
      <xsl:when test="normalize-space($value) = ''">
        <xsl:call-template name="none">
          <xsl:with-param name="title" select="$none"/>
        </xsl:call-template>
      </xsl:when>
      <xsl:when test="translate(substring($value, 1, 10), '0123456789', '0000000000') = '0000-00-00'">
        <time datetime="{$value}"><xsl:value-of select="substring($value, 1, 10)"/></time>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$value"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- A list of tags as chips; shows at most $max and a "+N" chip for the rest. -->
  <xsl:template name="chips">
    <xsl:param name="tags"/>
    <xsl:param name="max" select="1000"/>
    <xsl:if test="$tags">
      <ul class="chips">
        <xsl:for-each select="$tags[position() &lt;= $max]">
          <li class="chip"><xsl:value-of select="."/></li>
        </xsl:for-each>
        <xsl:if test="count($tags) &gt; $max">
          <li class="chip chip-more">+<xsl:value-of select="count($tags) - $max"/></li>
        </xsl:if>
      </ul>
    </xsl:if>
  </xsl:template>

  <!-- The "verified provider" check mark. -->
  <xsl:template name="verified">
    <xsl:param name="flag"/>
    <xsl:if test="string($flag) = 'true'">
      <span class="verified" title='{mkt:tr("verified provider")}' aria-hidden="true">✓</span>
      <span class="visually-hidden"><xsl:value-of select='mkt:tr("verified provider")'/></span>
    </xsl:if>
  </xsl:template>

  <!-- A URL-encoded query value (EXSLT str:encode-uri when the processor has it). -->
  <xsl:template name="url-encode">
    <xsl:param name="value"/>
    <xsl:choose>
      <xsl:when test="function-available('str:encode-uri')">
        <xsl:value-of select="str:encode-uri(string($value), true())"/>
      </xsl:when>
      <xsl:otherwise><xsl:value-of select="$value"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Pagination: Previous / page numbers (first, last, current ±2; a gap of one page shows that page) / Next.
       Page links are $base?page=N plus every non-empty filter from $filters. -->
  <xsl:template name="pager">
    <xsl:param name="page" select="/page/data/page"/>
    <xsl:param name="links" select="/page/data/links"/>
    <xsl:param name="filters" select="/page/data/filters"/>
    <xsl:param name="base" select="'/services'"/>
    <xsl:variable name="current" select="number($page/number)"/>
    <xsl:variable name="total" select="number($page/total_pages)"/>
    <xsl:variable name="from">
      <xsl:choose>
        <xsl:when test="$current - 2 &gt; 3"><xsl:value-of select="$current - 2"/></xsl:when>
        <xsl:otherwise>2</xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="to">
      <xsl:choose>
        <xsl:when test="$current + 2 &lt; $total - 2"><xsl:value-of select="$current + 2"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="$total - 1"/></xsl:otherwise>
      </xsl:choose>
    </xsl:variable>
    <xsl:variable name="suffix">
      <xsl:for-each select="$filters/*[normalize-space(.) != '']">
        <xsl:value-of select="concat('&amp;', name(), '=')"/>
        <xsl:call-template name="url-encode">
          <xsl:with-param name="value" select="."/>
        </xsl:call-template>
      </xsl:for-each>
    </xsl:variable>
    <xsl:if test="$total &gt; 1">
      <nav class="pager" aria-label='{mkt:tr("Pagination")}'>
        <xsl:choose>
          <xsl:when test="normalize-space($links/prev) != ''">
            <a class="pager-step pager-prev" rel="prev" href="{$links/prev}">
              <span aria-hidden="true">‹ </span><xsl:value-of select='mkt:tr("Previous")'/>
            </a>
          </xsl:when>
          <xsl:otherwise>
            <span class="pager-step pager-prev is-disabled" aria-disabled="true">
              <span aria-hidden="true">‹ </span><xsl:value-of select='mkt:tr("Previous")'/>
            </span>
          </xsl:otherwise>
        </xsl:choose>
        <ol class="pager-pages">
          <xsl:call-template name="pager-link">
            <xsl:with-param name="n" select="1"/>
            <xsl:with-param name="current" select="$current"/>
            <xsl:with-param name="href" select="concat($base, '?page=1', $suffix)"/>
          </xsl:call-template>
          <xsl:if test="$from &gt; 2">
            <li class="pager-gap" aria-hidden="true">…</li>
          </xsl:if>
          <xsl:call-template name="pager-range">
            <xsl:with-param name="n" select="$from"/>
            <xsl:with-param name="to" select="$to"/>
            <xsl:with-param name="current" select="$current"/>
            <xsl:with-param name="base" select="$base"/>
            <xsl:with-param name="suffix" select="$suffix"/>
          </xsl:call-template>
          <xsl:if test="$to &lt; $total - 1">
            <li class="pager-gap" aria-hidden="true">…</li>
          </xsl:if>
          <xsl:call-template name="pager-link">
            <xsl:with-param name="n" select="$total"/>
            <xsl:with-param name="current" select="$current"/>
            <xsl:with-param name="href" select="concat($base, '?page=', $total, $suffix)"/>
          </xsl:call-template>
        </ol>
        <xsl:choose>
          <xsl:when test="normalize-space($links/next) != ''">
            <a class="pager-step pager-next" rel="next" href="{$links/next}">
              <xsl:value-of select='mkt:tr("Next")'/><span aria-hidden="true"> ›</span>
            </a>
          </xsl:when>
          <xsl:otherwise>
            <span class="pager-step pager-next is-disabled" aria-disabled="true">
              <xsl:value-of select='mkt:tr("Next")'/><span aria-hidden="true"> ›</span>
            </span>
          </xsl:otherwise>
        </xsl:choose>
      </nav>
    </xsl:if>
  </xsl:template>

  <xsl:template name="pager-range">
    <xsl:param name="n"/>
    <xsl:param name="to"/>
    <xsl:param name="current"/>
    <xsl:param name="base"/>
    <xsl:param name="suffix"/>
    <xsl:if test="$n &lt;= $to">
      <xsl:call-template name="pager-link">
        <xsl:with-param name="n" select="$n"/>
        <xsl:with-param name="current" select="$current"/>
        <xsl:with-param name="href" select="concat($base, '?page=', $n, $suffix)"/>
      </xsl:call-template>
      <xsl:call-template name="pager-range">
        <xsl:with-param name="n" select="$n + 1"/>
        <xsl:with-param name="to" select="$to"/>
        <xsl:with-param name="current" select="$current"/>
        <xsl:with-param name="base" select="$base"/>
        <xsl:with-param name="suffix" select="$suffix"/>
      </xsl:call-template>
    </xsl:if>
  </xsl:template>

  <xsl:template name="pager-link">
    <xsl:param name="n"/>
    <xsl:param name="current"/>
    <xsl:param name="href"/>
    <li>
      <a class="pager-page" href="{$href}">
        <xsl:if test="$n = $current">
          <xsl:attribute name="aria-current">page</xsl:attribute>
        </xsl:if>
        <span class="visually-hidden"><xsl:value-of select='mkt:tr("Page")'/><xsl:text> </xsl:text></span>
        <xsl:value-of select="$n"/>
      </a>
    </li>
  </xsl:template>

  <!-- Recommendations (FR-002.4): lists of services, each with a title
       ("Consumers who use this also use", "Popular in …", "Based on the
       services you use"), as links. -->
  <xsl:template match="recommendations">
    <section class="card recommendations" aria-labelledby="recommendations-h">
      <h2 id="recommendations-h"><xsl:value-of select='mkt:tr("Recommended")'/></h2>
      <xsl:for-each select="item">
        <div class="recommendation-list" data-kind="{kind}">
          <h3 class="card-subhead"><xsl:value-of select="title"/></h3>
          <ul>
            <xsl:for-each select="items/item">
              <li>
                <a href="{link}"><xsl:value-of select="name"/></a>
                <span class="muted">
                  <xsl:text> · </xsl:text>
                  <xsl:value-of select="provider"/>
                  <xsl:if test="number(consumers) &gt; 0">
                    <xsl:text> · </xsl:text>
                    <xsl:call-template name="number"><xsl:with-param name="value" select="consumers"/></xsl:call-template>
                    <xsl:text> </xsl:text>
                    <xsl:value-of select='mkt:tr("shared consumers")'/>
                  </xsl:if>
                </span>
              </li>
            </xsl:for-each>
          </ul>
        </div>
      </xsl:for-each>
    </section>
  </xsl:template>
</xsl:stylesheet>
